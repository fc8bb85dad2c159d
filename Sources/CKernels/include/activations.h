#ifndef MAGPIE_ACTIVATIONS_H
#define MAGPIE_ACTIVATIONS_H

#include <stddef.h>

#include "cpu_features.h"

/// The forward pass's elementwise and row-wise steps at AVX-512 and AVX2 width. Swift's SIMD
/// types compile for the baseline x86-64 target (SSE, four lanes, no FMA), where GELU and
/// softmax took 13% of a 64-token pass. Same approximations as `Activations` in Swift; each
/// variant only where `magpie_cpu_kernel_level` allows it.

/// Exact GELU, `x·Φ(x) = x/2·(1 + erf(x/√2))`, in place, with erf as a rational function of
/// `x` clamped to [-4, 4] (within 5e-7).
void magpie_gelu_erf_avx512(float *values, size_t count);
void magpie_gelu_erf_avx2(float *values, size_t count);

/// Softmax of each row of `rows × columns`, in place, shifted by the row's maximum so large
/// scores cannot overflow; `e^x` by Cephes' polynomial (within 2 ulp for x ≤ 0).
void magpie_softmax_rows_avx512(float *values, size_t rows, size_t columns);
void magpie_softmax_rows_avx2(float *values, size_t rows, size_t columns);

/// LayerNorm of each row of `rows × size`, in place, with PyTorch's biased variance:
/// `(x - mean) / sqrt(variance + epsilon) · gain + bias`. One variant, which AVX-512 CPUs run
/// too: memory-bound, it gains nothing from wider vectors.
void magpie_layer_norm_rows_avx2(float *values, size_t rows, size_t size, const float *gain, const float *bias,
                                 float epsilon);

#endif
