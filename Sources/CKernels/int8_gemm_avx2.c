#include <math.h>

#include "int8_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/// Rows per register block: 6 rows × 2 vectors of 8 outputs = 12 int32 accumulators, plus the
/// panel's two weight vectors and one broadcast input pair, of AVX2's 16 registers.
#define BLOCK_ROWS 6

/// Rows computed against every panel before the next rows start: their quantized inputs (at
/// most 120 × 1,536 pairs × 4 bytes) stay in L2 while the weights stream past once.
#define CHUNK_ROWS 120

/// Adds `sum` (int32, 8 outputs) times `row_scale · weight_scales` into `y`'s first `width`.
AVX2 static inline void scale_into(float *y, __m256i sum, float row_scale, const float *weight_scales, int width) {
    if (width <= 0) return;
    __m256 scaled = _mm256_cvtepi32_ps(sum);
    if (width >= 8) {
        __m256 factor = _mm256_mul_ps(_mm256_set1_ps(row_scale), _mm256_loadu_ps(weight_scales));
        _mm256_storeu_ps(y, _mm256_fmadd_ps(scaled, factor, _mm256_loadu_ps(y)));
        return;
    }
    float values[8];
    _mm256_storeu_ps(values, scaled);
    for (int j = 0; j < width; j++) y[j] += values[j] * (row_scale * weight_scales[j]);
}

/// One block of `ROWS` rows (a constant once inlined, so the loops unroll) by one panel of
/// `width` (1 to 16) outputs.
#define DEFINE_BLOCK(ROWS)                                                                             \
    AVX2 static void block_##ROWS(const int32_t *pairs, const float *scales, int width_pairs,          \
                                  const int8_t *panel, const float *weight_scales, float *output,      \
                                  int output_stride, int width) {                                      \
        __m256i low[ROWS], high[ROWS];                                                                 \
        for (int r = 0; r < ROWS; r++) {                                                               \
            low[r] = _mm256_setzero_si256();                                                           \
            high[r] = _mm256_setzero_si256();                                                          \
        }                                                                                              \
        for (int p = 0; p < width_pairs; p++) {                                                        \
            const int8_t *w = panel + (size_t)p * 2 * MAGPIE_INT8_PANEL;                               \
            _mm_prefetch((const char *)(w + 16 * 2 * MAGPIE_INT8_PANEL), _MM_HINT_T0);                 \
            __m256i weight_low = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w));            \
            __m256i weight_high = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + 16)));    \
            for (int r = 0; r < ROWS; r++) {                                                           \
                __m256i x = _mm256_set1_epi32(pairs[(size_t)r * width_pairs + p]);                     \
                low[r] = _mm256_add_epi32(low[r], _mm256_madd_epi16(x, weight_low));                   \
                high[r] = _mm256_add_epi32(high[r], _mm256_madd_epi16(x, weight_high));                \
            }                                                                                          \
        }                                                                                              \
        for (int r = 0; r < ROWS; r++) {                                                               \
            float *y = output + (size_t)r * output_stride;                                             \
            scale_into(y, low[r], scales[r], weight_scales, width);                                    \
            scale_into(y + 8, high[r], scales[r], weight_scales + 8, width - 8);                       \
        }                                                                                              \
    }

DEFINE_BLOCK(1)
DEFINE_BLOCK(2)
DEFINE_BLOCK(3)
DEFINE_BLOCK(4)
DEFINE_BLOCK(5)
DEFINE_BLOCK(6)

/// `magpie_int8_quantize_rows` in AVX2: the same values (`cvtps` rounds half to even, as
/// `nearbyintf` does in the default rounding mode), 8 inputs at a time.
AVX2 void magpie_int8_quantize_rows_avx2(const float *input, int rows, int inputs, int32_t *pairs, float *scales) {
    int width = magpie_int8_pairs(inputs);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int r = 0; r < rows; r++) {
        const float *x = input + (size_t)r * inputs;
        __m256 largest8 = _mm256_setzero_ps();
        int k = 0;
        for (; k + 8 <= inputs; k += 8) largest8 = _mm256_max_ps(largest8, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + k)));
        float lanes[8];
        _mm256_storeu_ps(lanes, largest8);
        float largest = 0;
        for (int j = 0; j < 8; j++) largest = lanes[j] > largest ? lanes[j] : largest;
        for (; k < inputs; k++) largest = fabsf(x[k]) > largest ? fabsf(x[k]) : largest;
        float levels = (float)magpie_int8_input_levels(inputs);
        float inverse = largest > 0 ? levels / largest : 1.0f;
        scales[r] = largest > 0 ? largest / levels : 1.0f;
        __m256 factor = _mm256_set1_ps(inverse);
        int16_t *row = (int16_t *)(pairs + (size_t)r * width);
        k = 0;
        for (; k + 16 <= inputs; k += 16) {
            __m256i low = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + k), factor));
            __m256i high = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + k + 8), factor));
            // packs works within 128-bit lanes; the permute puts the 16 values back in order.
            __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(low, high), 0xD8);
            _mm256_storeu_si256((__m256i *)(row + k), packed);
        }
        for (; k < inputs; k++) row[k] = (int16_t)nearbyintf(x[k] * inverse);
        if (inputs % 2) row[inputs] = 0;
    }
}

AVX2 void magpie_int8_gemm_avx2(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                                const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                                int output_stride) {
    int width_pairs = magpie_int8_pairs(inputs);
    for (int chunk = 0; chunk < rows; chunk += CHUNK_ROWS) {
        int chunk_end = rows - chunk < CHUNK_ROWS ? rows : chunk + CHUNK_ROWS;
        for (int panel = first_panel; panel < end_panel; panel++) {
            int first = panel * MAGPIE_INT8_PANEL;
            int width = outputs - first < MAGPIE_INT8_PANEL ? outputs - first : MAGPIE_INT8_PANEL;
            const int8_t *weights = packed + (size_t)panel * width_pairs * 2 * MAGPIE_INT8_PANEL;
            for (int row = chunk; row < chunk_end; row += BLOCK_ROWS) {
                int count = chunk_end - row < BLOCK_ROWS ? chunk_end - row : BLOCK_ROWS;
                const int32_t *x = pairs + (size_t)row * width_pairs;
                float *y = output + (size_t)row * output_stride + first;
                const float *s = scales + row;
                const float *ws = weight_scales + first;
                switch (count) {
                case 6: block_6(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 5: block_5(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 4: block_4(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 3: block_3(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 2: block_2(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                default: block_1(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                }
            }
        }
    }
}

#else

void magpie_int8_quantize_rows_avx2(const float *input, int rows, int inputs, int32_t *pairs, float *scales) {
    magpie_int8_quantize_rows(input, rows, inputs, pairs, scales);
}

void magpie_int8_gemm_avx2(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                           const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                           int output_stride) {
    magpie_int8_gemm_portable(pairs, scales, rows, inputs, packed, weight_scales, outputs, first_panel, end_panel,
                              output, output_stride);
}

#endif
