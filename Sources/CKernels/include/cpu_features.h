#ifndef MAGPIE_CPU_FEATURES_H
#define MAGPIE_CPU_FEATURES_H

/// Whether this CPU has AVX-512F, which every kernel here needs. The kernels are compiled for
/// it function by function, so one binary runs everywhere and takes them only where they run;
/// callers fall back to BLAS or Swift's portable SIMD code otherwise.
int magpie_avx512_supported(void);

#endif
