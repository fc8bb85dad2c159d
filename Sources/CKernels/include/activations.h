#ifndef MAGPIE_ACTIVATIONS_H
#define MAGPIE_ACTIVATIONS_H

#include <stddef.h>

#include "cpu_features.h"

/// The forward pass's elementwise and row-wise steps at AVX-512 width. Swift's SIMD types
/// compile for the baseline x86-64 target (SSE, four lanes, no FMA), where GELU and softmax
/// took 13% of a 64-token pass. Same approximations as `Activations` in Swift; only where
/// `magpie_avx512_supported`.

/// Exact GELU, `x·Φ(x) = x/2·(1 + erf(x/√2))`, in place, with erf as a rational function of
/// `x` clamped to [-4, 4] (within 5e-7).
void magpie_gelu_erf(float *values, size_t count);

/// Softmax of each row of `rows × columns`, in place, shifted by the row's maximum so large
/// scores cannot overflow; `e^x` by Cephes' polynomial (within 2 ulp for x ≤ 0).
void magpie_softmax_rows(float *values, size_t rows, size_t columns);

#endif
