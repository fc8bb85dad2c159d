#include "activations.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

/// Lanes `0 ..< remaining` (all 16 when at least 16 remain).
static inline __mmask16 lanes(size_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
}

AVX512 static inline __m512 erf16(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-2.7261423e-10f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.7706814e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.101024e-06f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-5.6925064e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-7.3499063e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.9546e-03f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.6096033e-02f));
    __m512 q = _mm512_set1_ps(-1.4566072e-05f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-2.1337406e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.682827e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-7.3733292e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.4264739e-02f));
    return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

/// `e^x = 2ⁿ·e^r` with `x = n·ln 2 + r`; the clamp keeps `2ⁿ` a normal float.
AVX512 static inline __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

AVX512 void magpie_gelu_erf_avx512(float *values, size_t count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), root_half = _mm512_set1_ps(0.70710677f);
    for (size_t index = 0; index < count; index += 16) {
        __mmask16 mask = lanes(count - index);
        __m512 x = _mm512_maskz_loadu_ps(mask, values + index);
        __m512 phi = _mm512_add_ps(one, erf16(_mm512_mul_ps(x, root_half)));
        _mm512_mask_storeu_ps(values + index, mask, _mm512_mul_ps(_mm512_mul_ps(half, x), phi));
    }
}

AVX512 void magpie_softmax_rows_avx512(float *values, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        __m512 maximum = _mm512_set1_ps(-__builtin_inff());
        for (size_t column = 0; column < columns; column += 16) {
            __mmask16 mask = lanes(columns - column);
            maximum = _mm512_max_ps(maximum, _mm512_mask_loadu_ps(maximum, mask, x + column));
        }
        __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(maximum));
        __m512 sum = _mm512_setzero_ps();
        for (size_t column = 0; column < columns; column += 16) {
            __mmask16 mask = lanes(columns - column);
            __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, x + column), shift));
            _mm512_mask_storeu_ps(x + column, mask, e);
            sum = _mm512_mask_add_ps(sum, mask, sum, e);
        }
        __m512 scale = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
        for (size_t column = 0; column < columns; column += 16) {
            __mmask16 mask = lanes(columns - column);
            _mm512_mask_storeu_ps(x + column, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + column), scale));
        }
    }
}

#else

void magpie_gelu_erf_avx512(float *values, size_t count) { (void)values, (void)count; }

void magpie_softmax_rows_avx512(float *values, size_t rows, size_t columns) { (void)values, (void)rows, (void)columns; }

#endif
