#ifndef MAGPIE_OPENBLAS_STARTUP_H
#define MAGPIE_OPENBLAS_STARTUP_H

/// Stops the threads OpenBLAS started from its own constructor, before `main`: one per core,
/// spinning on `sched_yield` while the process starts (a quarter of a Lambda cold start's CPU
/// on two cores), and never used, since `ComputeThreads` confines OpenBLAS to the calling
/// thread and spreads work over its own workers. Its thread count (`openblas_get_num_threads`)
/// stays what it was. Call it first thing in `main`; later calls do nothing.
///
/// The environment cannot be changed before OpenBLAS reads it instead: a constructor's
/// `setenv` moves `environ`, from which the Swift runtime finds `argv` on Linux.
void magpie_openblas_stop_threads(void);

#endif
