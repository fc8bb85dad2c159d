#ifndef MAGPIE_OPENBLAS_KERNELS_H
#define MAGPIE_OPENBLAS_KERNELS_H

/// Replaces OpenBLAS's last-resort kernels when it did not recognize this CPU, and returns the
/// name of the kernels now in use (NULL when OpenBLAS's choice stands: the CPU was recognized,
/// `OPENBLAS_CORETYPE` was set by the user, or the library cannot change its kernels).
///
/// OpenBLAS picks its kernels from the CPU's model number and falls back to Prescott's (SSE3)
/// for models newer than its release: Debian 12's 0.3.21 does so on a Xeon of family 6,
/// model 207, where sgemm then runs at 30 GFLOP/s instead of 100. Its DYNAMIC_ARCH builds can
/// switch kernels when asked by name, so this names the family the CPU's instruction set
/// allows (SkylakeX for AVX-512, Haswell for AVX2 with FMA). Call it before the first BLAS
/// call, from one thread: it sets `OPENBLAS_CORETYPE` in the environment.
const char *magpie_openblas_replace_fallback_kernels(void);

#endif
