#include "int8_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

/// Rows per register block: 12 rows × one vector of 16 outputs = 12 int32 accumulators, plus
/// the panel's weight vector and one broadcast input pair, of AVX-512's 32 registers (the rest
/// hold the loop's addresses and the prefetched next weights).
#define BLOCK_ROWS 12

/// As in the AVX2 kernel: a chunk's quantized inputs stay in L2 while the weights stream past.
#define CHUNK_ROWS 120

/// Adds `sum` (int32, 16 outputs) times `row_scale · weight_scales` into `y`'s first `width`,
/// rounding as the AVX2 kernel does (the factor's product, then one fused multiply-add).
VNNI static inline void scale_into(float *y, __m512i sum, float row_scale, const float *weight_scales, int width) {
    __mmask16 mask = width >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << width) - 1);
    __m512 factor = _mm512_mul_ps(_mm512_set1_ps(row_scale), _mm512_maskz_loadu_ps(mask, weight_scales));
    __m512 updated = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), factor, _mm512_maskz_loadu_ps(mask, y));
    _mm512_mask_storeu_ps(y, mask, updated);
}

/// One block of `ROWS` rows by one panel of `width` (1 to 16) outputs. `vpdpwssd` multiplies
/// the same 16-bit pairs `vpmaddwd` does and adds them into the accumulator in one
/// instruction, without saturating: the int32 sums are the AVX2 kernel's exactly.
#define DEFINE_BLOCK(ROWS)                                                                             \
    VNNI static void block_##ROWS(const int32_t *pairs, const float *scales, int width_pairs,          \
                                  const int8_t *panel, const float *weight_scales, float *output,      \
                                  int output_stride, int width) {                                      \
        __m512i sum[ROWS];                                                                             \
        for (int r = 0; r < ROWS; r++) sum[r] = _mm512_setzero_si512();                                \
        for (int p = 0; p < width_pairs; p++) {                                                        \
            const int8_t *w = panel + (size_t)p * 2 * MAGPIE_INT8_PANEL;                               \
            _mm_prefetch((const char *)(w + 16 * 2 * MAGPIE_INT8_PANEL), _MM_HINT_T0);                 \
            __m512i weight = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)w));             \
            for (int r = 0; r < ROWS; r++) {                                                           \
                __m512i x = _mm512_set1_epi32(pairs[(size_t)r * width_pairs + p]);                     \
                sum[r] = _mm512_dpwssd_epi32(sum[r], x, weight);                                       \
            }                                                                                          \
        }                                                                                              \
        for (int r = 0; r < ROWS; r++)                                                                 \
            scale_into(output + (size_t)r * output_stride, sum[r], scales[r], weight_scales, width);   \
    }

DEFINE_BLOCK(1)
DEFINE_BLOCK(2)
DEFINE_BLOCK(3)
DEFINE_BLOCK(4)
DEFINE_BLOCK(6)
DEFINE_BLOCK(8)
DEFINE_BLOCK(12)

VNNI void magpie_int8_gemm_vnni(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                                const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                                int output_stride) {
    int width_pairs = magpie_int8_pairs(inputs);
    for (int chunk = 0; chunk < rows; chunk += CHUNK_ROWS) {
        int chunk_end = rows - chunk < CHUNK_ROWS ? rows : chunk + CHUNK_ROWS;
        for (int panel = first_panel; panel < end_panel; panel++) {
            int first = panel * MAGPIE_INT8_PANEL;
            int width = outputs - first < MAGPIE_INT8_PANEL ? outputs - first : MAGPIE_INT8_PANEL;
            const int8_t *weights = packed + (size_t)panel * width_pairs * 2 * MAGPIE_INT8_PANEL;
            const float *ws = weight_scales + first;
            int row = chunk;
            while (row < chunk_end) {
                int left = chunk_end - row;
                int count = left >= 12 ? 12 : left >= 8 ? 8 : left >= 6 ? 6 : left >= 4 ? 4 : left;
                const int32_t *x = pairs + (size_t)row * width_pairs;
                float *y = output + (size_t)row * output_stride + first;
                const float *s = scales + row;
                switch (count) {
                case 12: block_12(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 8: block_8(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 6: block_6(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 4: block_4(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 3: block_3(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                case 2: block_2(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                default: block_1(x, s, width_pairs, weights, ws, y, output_stride, width); break;
                }
                row += count;
            }
        }
    }
}

#else

void magpie_int8_gemm_vnni(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                           const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                           int output_stride) {
    magpie_int8_gemm_portable(pairs, scales, rows, inputs, packed, weight_scales, outputs, first_panel, end_panel,
                              output, output_stride);
}

#endif
