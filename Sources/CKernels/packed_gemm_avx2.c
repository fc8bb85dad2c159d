#include "packed_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/// Rows per register block. AVX2 has 16 vector registers: 6 rows × 2 vectors of 8 outputs = 12
/// accumulators, plus the two weight vectors and one broadcast input. A panel of 32 outputs is
/// therefore computed as two halves of 16, each half's weights 64 bytes of every 128-byte row
/// of the panel (the same packing as the AVX-512 kernel).
#define BLOCK_ROWS 6

/// How far ahead, in rows of the panel, both halves' weights are fetched. For one short text
/// the forward pass streams all 42 MB of MiniLM's packed weights from memory once, reading
/// each half-panel's 64-byte lines 128 bytes apart; without the hint the hardware prefetcher
/// left the kernel waiting (16 tokens: 6.8 ms of products, 5.0 with it).
#define PREFETCH_DISTANCE 16

/// Lanes `0 ..< count` of a vector, as `maskload` and `maskstore` take them.
AVX2 static inline __m256i lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

AVX2 static inline void add_into(float *y, __m256 sum, int width) {
    if (width >= 8) {
        _mm256_storeu_ps(y, _mm256_add_ps(_mm256_loadu_ps(y), sum));
    } else if (width > 0) {
        __m256i mask = lanes(width);
        _mm256_maskstore_ps(y, mask, _mm256_add_ps(_mm256_maskload_ps(y, mask), sum));
    }
}

/// One block of `ROWS` rows (a constant once inlined, so the loops unroll) by one half-panel
/// of `width` (1 to 16) outputs.
#define DEFINE_BLOCK(ROWS)                                                                             \
    AVX2 static void block_##ROWS(const float *input, int inputs, const float *half, float *output,   \
                                  int output_stride, int width) {                                     \
        __m256 low[ROWS], high[ROWS];                                                                  \
        for (int r = 0; r < ROWS; r++) {                                                               \
            low[r] = _mm256_setzero_ps();                                                              \
            high[r] = _mm256_setzero_ps();                                                             \
        }                                                                                              \
        for (int k = 0; k < inputs; k++) {                                                             \
            const float *ahead = half + (size_t)(k + PREFETCH_DISTANCE) * MAGPIE_PANEL_WIDTH;          \
            _mm_prefetch((const char *)ahead, _MM_HINT_T0);                                            \
            _mm_prefetch((const char *)(ahead + 16), _MM_HINT_T1);                                     \
            __m256 weight_low = _mm256_load_ps(half + (size_t)k * MAGPIE_PANEL_WIDTH);                 \
            __m256 weight_high = _mm256_load_ps(half + (size_t)k * MAGPIE_PANEL_WIDTH + 8);            \
            for (int r = 0; r < ROWS; r++) {                                                           \
                __m256 x = _mm256_broadcast_ss(input + (size_t)r * inputs + k);                        \
                low[r] = _mm256_fmadd_ps(x, weight_low, low[r]);                                       \
                high[r] = _mm256_fmadd_ps(x, weight_high, high[r]);                                    \
            }                                                                                          \
        }                                                                                              \
        for (int r = 0; r < ROWS; r++) {                                                               \
            float *y = output + (size_t)r * output_stride;                                             \
            add_into(y, low[r], width);                                                                \
            add_into(y + 8, high[r], width - 8);                                                       \
        }                                                                                              \
    }

DEFINE_BLOCK(1)
DEFINE_BLOCK(2)
DEFINE_BLOCK(3)
DEFINE_BLOCK(4)
DEFINE_BLOCK(5)
DEFINE_BLOCK(6)

AVX2 void magpie_packed_gemm_avx2(const float *input, int rows, int inputs, const float *packed, int outputs,
                                  int first_panel, int end_panel, float *output, int output_stride) {
    for (int panel = first_panel; panel < end_panel; panel++) {
        int first = panel * MAGPIE_PANEL_WIDTH;
        const float *weights = packed + (size_t)panel * inputs * MAGPIE_PANEL_WIDTH;
        for (int offset = 0; offset < MAGPIE_PANEL_WIDTH && first + offset < outputs; offset += 16) {
            int width = outputs - first - offset < 16 ? outputs - first - offset : 16;
            for (int row = 0; row < rows; row += BLOCK_ROWS) {
                int count = rows - row < BLOCK_ROWS ? rows - row : BLOCK_ROWS;
                const float *x = input + (size_t)row * inputs;
                float *y = output + (size_t)row * output_stride + first + offset;
                switch (count) {
                case 6: block_6(x, inputs, weights + offset, y, output_stride, width); break;
                case 5: block_5(x, inputs, weights + offset, y, output_stride, width); break;
                case 4: block_4(x, inputs, weights + offset, y, output_stride, width); break;
                case 3: block_3(x, inputs, weights + offset, y, output_stride, width); break;
                case 2: block_2(x, inputs, weights + offset, y, output_stride, width); break;
                default: block_1(x, inputs, weights + offset, y, output_stride, width); break;
                }
            }
        }
    }
}

#else

void magpie_packed_gemm_avx2(const float *input, int rows, int inputs, const float *packed, int outputs,
                             int first_panel, int end_panel, float *output, int output_stride) {
    (void)input, (void)rows, (void)inputs, (void)packed, (void)outputs, (void)first_panel, (void)end_panel;
    (void)output, (void)output_stride;
}

#endif
