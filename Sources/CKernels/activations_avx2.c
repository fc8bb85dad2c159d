#include "activations.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/// Lanes `0 ..< remaining` (all 8 when at least 8 remain), as `maskload` and `maskstore` take them.
AVX2 static inline __m256i lanes(size_t remaining) {
    int count = remaining >= 8 ? 8 : (int)remaining;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// The same rational function as the AVX-512 variant's `erf16`.
AVX2 static inline __m256 erf8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-4.0f)), _mm256_set1_ps(4.0f));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-2.7261423e-10f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.7706814e-08f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.101024e-06f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-5.6925064e-05f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-7.3499063e-04f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.9546e-03f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.6096033e-02f));
    __m256 q = _mm256_set1_ps(-1.4566072e-05f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-2.1337406e-04f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.682827e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-7.3733292e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.4264739e-02f));
    return _mm256_div_ps(_mm256_mul_ps(x, p), q);
}

/// `e^x = 2ⁿ·e^r` as in `exp16`; without `scalef`, `2ⁿ` is built in the exponent bits, which
/// the clamp keeps in the normal range (n in [-126, 127]).
AVX2 static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(exponent));
}

AVX2 static inline float reduce_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

AVX2 static inline float reduce_add(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2 static inline __m256 gelu8(__m256 x) {
    __m256 phi = _mm256_add_ps(_mm256_set1_ps(1.0f), erf8(_mm256_mul_ps(x, _mm256_set1_ps(0.70710677f))));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), phi);
}

/// Whole vectors are loaded and stored plainly and only the tail through a mask: AMD's Zen
/// cores take many cycles for each `maskstore`, which on every vector made softmax 5% of a
/// 128-token pass.
AVX2 void magpie_gelu_erf_avx2(float *values, size_t count) {
    size_t index = 0;
    for (; index + 8 <= count; index += 8) _mm256_storeu_ps(values + index, gelu8(_mm256_loadu_ps(values + index)));
    if (index < count) {
        __m256i mask = lanes(count - index);
        _mm256_maskstore_ps(values + index, mask, gelu8(_mm256_maskload_ps(values + index, mask)));
    }
}

AVX2 void magpie_softmax_rows_avx2(float *values, size_t rows, size_t columns) {
    const __m256 lowest = _mm256_set1_ps(-__builtin_inff());
    size_t whole = columns / 8 * 8;
    __m256i tail = lanes(columns - whole);
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        __m256 maximum = lowest;
        for (size_t column = 0; column < whole; column += 8) maximum = _mm256_max_ps(maximum, _mm256_loadu_ps(x + column));
        if (whole < columns) {
            __m256 loaded = _mm256_blendv_ps(lowest, _mm256_maskload_ps(x + whole, tail), _mm256_castsi256_ps(tail));
            maximum = _mm256_max_ps(maximum, loaded);
        }
        __m256 shift = _mm256_set1_ps(reduce_max(maximum));
        __m256 sum = _mm256_setzero_ps();
        for (size_t column = 0; column < whole; column += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + column), shift));
            _mm256_storeu_ps(x + column, e);
            sum = _mm256_add_ps(sum, e);
        }
        if (whole < columns) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(x + whole, tail), shift));
            _mm256_maskstore_ps(x + whole, tail, e);
            sum = _mm256_add_ps(sum, _mm256_and_ps(e, _mm256_castsi256_ps(tail)));
        }
        __m256 scale = _mm256_set1_ps(1.0f / reduce_add(sum));
        for (size_t column = 0; column < whole; column += 8) {
            _mm256_storeu_ps(x + column, _mm256_mul_ps(_mm256_loadu_ps(x + column), scale));
        }
        if (whole < columns) {
            _mm256_maskstore_ps(x + whole, tail, _mm256_mul_ps(_mm256_maskload_ps(x + whole, tail), scale));
        }
    }
}

AVX2 void magpie_layer_norm_rows_avx2(float *values, size_t rows, size_t size, const float *gain, const float *bias,
                                      float epsilon) {
    size_t whole = size / 8 * 8;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * size;
        __m256 sums = _mm256_setzero_ps();
        for (size_t index = 0; index < whole; index += 8) sums = _mm256_add_ps(sums, _mm256_loadu_ps(x + index));
        float sum = reduce_add(sums);
        for (size_t index = whole; index < size; index++) sum += x[index];
        float mean = sum / (float)size;
        __m256 center = _mm256_set1_ps(mean);
        __m256 squares = _mm256_setzero_ps();
        for (size_t index = 0; index < whole; index += 8) {
            __m256 centered = _mm256_sub_ps(_mm256_loadu_ps(x + index), center);
            squares = _mm256_fmadd_ps(centered, centered, squares);
        }
        float square_sum = reduce_add(squares);
        for (size_t index = whole; index < size; index++) square_sum += (x[index] - mean) * (x[index] - mean);
        float scale = 1.0f / __builtin_sqrtf(square_sum / (float)size + epsilon);
        __m256 scales = _mm256_set1_ps(scale);
        for (size_t index = 0; index < whole; index += 8) {
            __m256 normal = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + index), center), scales);
            _mm256_storeu_ps(x + index,
                             _mm256_fmadd_ps(normal, _mm256_loadu_ps(gain + index), _mm256_loadu_ps(bias + index)));
        }
        for (size_t index = whole; index < size; index++) x[index] = (x[index] - mean) * scale * gain[index] + bias[index];
    }
}

#else

void magpie_layer_norm_rows_avx2(float *values, size_t rows, size_t size, const float *gain, const float *bias,
                                 float epsilon) {
    (void)values, (void)rows, (void)size, (void)gain, (void)bias, (void)epsilon;
}

void magpie_gelu_erf_avx2(float *values, size_t count) { (void)values, (void)count; }

void magpie_softmax_rows_avx2(float *values, size_t rows, size_t columns) { (void)values, (void)rows, (void)columns; }

#endif
