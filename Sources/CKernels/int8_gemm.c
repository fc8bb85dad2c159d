#include <math.h>

#include "int8_gemm.h"

int magpie_int8_pairs(int inputs) { return (inputs + 1) / 2; }

int magpie_int8_input_levels(int inputs) {
    long long limit = 2147483647LL / (127LL * 2 * magpie_int8_pairs(inputs));
    return limit < 32767 ? (int)limit : 32767;
}

static int panel_count(int outputs) { return (outputs + MAGPIE_INT8_PANEL - 1) / MAGPIE_INT8_PANEL; }

size_t magpie_int8_packed_size(int outputs, int inputs) {
    return (size_t)panel_count(outputs) * (size_t)magpie_int8_pairs(inputs) * 2 * MAGPIE_INT8_PANEL;
}

void magpie_int8_pack(const int8_t *weight, int outputs, int inputs, int8_t *packed) {
    int pairs = magpie_int8_pairs(inputs);
    for (int panel = 0; panel < panel_count(outputs); panel++) {
        for (int pair = 0; pair < pairs; pair++) {
            int8_t *target = packed + ((size_t)panel * pairs + pair) * 2 * MAGPIE_INT8_PANEL;
            for (int j = 0; j < MAGPIE_INT8_PANEL; j++) {
                int output = panel * MAGPIE_INT8_PANEL + j;
                for (int half = 0; half < 2; half++) {
                    int k = 2 * pair + half;
                    target[2 * j + half] = output < outputs && k < inputs ? weight[(size_t)output * inputs + k] : 0;
                }
            }
        }
    }
}

void magpie_int8_quantize_rows(const float *input, int rows, int inputs, int32_t *pairs, float *scales) {
    int width = magpie_int8_pairs(inputs);
    for (int r = 0; r < rows; r++) {
        const float *x = input + (size_t)r * inputs;
        float largest = 0;
        for (int k = 0; k < inputs; k++) largest = fmaxf(largest, fabsf(x[k]));
        float levels = (float)magpie_int8_input_levels(inputs);
        float inverse = largest > 0 ? levels / largest : 1.0f;
        scales[r] = largest > 0 ? largest / levels : 1.0f;
        int32_t *row = pairs + (size_t)r * width;
        for (int p = 0; p < width; p++) {
            int low = (int)nearbyintf(x[2 * p] * inverse);
            int high = 2 * p + 1 < inputs ? (int)nearbyintf(x[2 * p + 1] * inverse) : 0;
            row[p] = (int32_t)(((uint32_t)(uint16_t)(int16_t)high << 16) | (uint32_t)(uint16_t)(int16_t)low);
        }
    }
}

void magpie_int8_gemm_portable(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                               const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                               int output_stride) {
    int width = magpie_int8_pairs(inputs);
    for (int panel = first_panel; panel < end_panel; panel++) {
        const int8_t *weights = packed + (size_t)panel * width * 2 * MAGPIE_INT8_PANEL;
        for (int r = 0; r < rows; r++) {
            const int32_t *row = pairs + (size_t)r * width;
            for (int j = 0; j < MAGPIE_INT8_PANEL && panel * MAGPIE_INT8_PANEL + j < outputs; j++) {
                int32_t sum = 0;
                for (int p = 0; p < width; p++) {
                    int16_t low = (int16_t)(row[p] & 0xffff), high = (int16_t)((uint32_t)row[p] >> 16);
                    const int8_t *w = weights + (size_t)p * 2 * MAGPIE_INT8_PANEL + 2 * j;
                    sum += low * w[0] + high * w[1];
                }
                int o = panel * MAGPIE_INT8_PANEL + j;
                output[(size_t)r * output_stride + o] += (float)sum * (scales[r] * weight_scales[o]);
            }
        }
    }
}
