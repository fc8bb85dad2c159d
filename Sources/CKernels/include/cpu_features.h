#ifndef MAGPIE_CPU_FEATURES_H
#define MAGPIE_CPU_FEATURES_H

/// The kernels come in one variant per instruction set, each compiled for it function by
/// function, so one binary runs everywhere and takes the widest variant the CPU runs. Callers
/// fall back to BLAS or Swift's portable SIMD code where neither runs.
#define MAGPIE_KERNELS_PORTABLE 0
/// AVX2 with FMA: Haswell and later, every AMD Zen.
#define MAGPIE_KERNELS_AVX2 1
/// AVX-512F: Skylake-SP and later Xeons, AMD Zen 4.
#define MAGPIE_KERNELS_AVX512 2

/// The widest kernel variant this CPU runs.
int magpie_cpu_kernel_level(void);

/// Whether the CPU has AVX-512 VNNI (and the AVX-512BW it needs): Cascade Lake and later
/// Xeons, AMD Zen 4. The int8 products' `vpdpwssd` kernel runs only there.
int magpie_cpu_has_avx512_vnni(void);

#endif
