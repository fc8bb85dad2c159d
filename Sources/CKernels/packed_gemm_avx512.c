#include "packed_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// Rows per register block: 8 rows × 2 vectors of 16 outputs = 16 accumulators, leaving
/// registers for the two weight vectors and the broadcast inputs.
#define BLOCK_ROWS 8

/// One block of `ROWS` rows (a constant once inlined, so the loops unroll) by one panel.
#define DEFINE_BLOCK(ROWS)                                                                                 \
    __attribute__((target("avx512f"))) static void block_##ROWS(const float *input, int inputs,           \
                                                                const float *panel, float *output,        \
                                                                int output_stride, __mmask16 low_mask,    \
                                                                __mmask16 high_mask) {                    \
        __m512 low[ROWS], high[ROWS];                                                                      \
        for (int r = 0; r < ROWS; r++) {                                                                   \
            low[r] = _mm512_setzero_ps();                                                                  \
            high[r] = _mm512_setzero_ps();                                                                 \
        }                                                                                                  \
        for (int k = 0; k < inputs; k++) {                                                                 \
            __m512 weight_low = _mm512_load_ps(panel + (size_t)k * MAGPIE_PANEL_WIDTH);                    \
            __m512 weight_high = _mm512_load_ps(panel + (size_t)k * MAGPIE_PANEL_WIDTH + 16);              \
            for (int r = 0; r < ROWS; r++) {                                                               \
                __m512 x = _mm512_set1_ps(input[(size_t)r * inputs + k]);                                  \
                low[r] = _mm512_fmadd_ps(x, weight_low, low[r]);                                           \
                high[r] = _mm512_fmadd_ps(x, weight_high, high[r]);                                        \
            }                                                                                              \
        }                                                                                                  \
        for (int r = 0; r < ROWS; r++) {                                                                   \
            float *y = output + (size_t)r * output_stride;                                                 \
            _mm512_mask_storeu_ps(y, low_mask, _mm512_add_ps(_mm512_maskz_loadu_ps(low_mask, y), low[r])); \
            _mm512_mask_storeu_ps(y + 16, high_mask,                                                       \
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(high_mask, y + 16), high[r]));       \
        }                                                                                                  \
    }

DEFINE_BLOCK(1)
DEFINE_BLOCK(2)
DEFINE_BLOCK(3)
DEFINE_BLOCK(4)
DEFINE_BLOCK(5)
DEFINE_BLOCK(6)
DEFINE_BLOCK(7)
DEFINE_BLOCK(8)

__attribute__((target("avx512f"))) void magpie_packed_gemm_avx512(const float *input, int rows, int inputs,
                                                                  const float *packed, int outputs, int first_panel,
                                                                  int end_panel, float *output, int output_stride) {
    for (int panel = first_panel; panel < end_panel; panel++) {
        int first = panel * MAGPIE_PANEL_WIDTH;
        int width = outputs - first < MAGPIE_PANEL_WIDTH ? outputs - first : MAGPIE_PANEL_WIDTH;
        __mmask16 low_mask = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
        __mmask16 high_mask = width >= 32 ? 0xFFFF : width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0;
        const float *weights = packed + (size_t)panel * inputs * MAGPIE_PANEL_WIDTH;
        for (int row = 0; row < rows; row += BLOCK_ROWS) {
            int count = rows - row < BLOCK_ROWS ? rows - row : BLOCK_ROWS;
            const float *x = input + (size_t)row * inputs;
            float *y = output + (size_t)row * output_stride + first;
            switch (count) {
            case 8: block_8(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 7: block_7(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 6: block_6(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 5: block_5(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 4: block_4(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 3: block_3(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            case 2: block_2(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            default: block_1(x, inputs, weights, y, output_stride, low_mask, high_mask); break;
            }
        }
    }
}

#else

void magpie_packed_gemm_avx512(const float *input, int rows, int inputs, const float *packed, int outputs, int first_panel,
                        int end_panel, float *output, int output_stride) {
    (void)input, (void)rows, (void)inputs, (void)packed, (void)outputs, (void)first_panel, (void)end_panel;
    (void)output, (void)output_stride;
}

#endif
