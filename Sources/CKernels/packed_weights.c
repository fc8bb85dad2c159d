#include "packed_gemm.h"

static int panel_count(int outputs) { return (outputs + MAGPIE_PANEL_WIDTH - 1) / MAGPIE_PANEL_WIDTH; }

size_t magpie_packed_size(int outputs, int inputs) {
    return (size_t)panel_count(outputs) * (size_t)inputs * MAGPIE_PANEL_WIDTH;
}

void magpie_pack_weights(const float *weight, int outputs, int inputs, float *packed) {
    for (int panel = 0; panel < panel_count(outputs); panel++) {
        float *target = packed + (size_t)panel * inputs * MAGPIE_PANEL_WIDTH;
        for (int k = 0; k < inputs; k++) {
            for (int j = 0; j < MAGPIE_PANEL_WIDTH; j++) {
                int output = panel * MAGPIE_PANEL_WIDTH + j;
                target[(size_t)k * MAGPIE_PANEL_WIDTH + j] = output < outputs ? weight[(size_t)output * inputs + k] : 0;
            }
        }
    }
}
