#ifndef MAGPIE_INT8_GEMM_H
#define MAGPIE_INT8_GEMM_H

#include <stddef.h>
#include <stdint.h>

/// Dynamically quantized products: weights int8 per output channel (`w ≈ q · scale[o]`),
/// quantized once; each input row quantized at run time by its own largest magnitude
/// (`x ≈ q · scale[r]`, symmetric, rounded half to even); products summed exactly in int32 and
/// scaled back to float. Quarter the weight bytes of float32, and twice the multiplications
/// per instruction on AVX2 (`vpmaddwd` on 16-bit pairs, which cannot saturate).
///
/// The inputs get as many levels as a 16-bit lane and the int32 sum allow
/// (`magpie_int8_input_levels`), not 8 bits: the instruction is the same, and the inputs'
/// rounding, which 8 bits made the larger error, all but disappears.

/// Outputs per panel of packed weights.
#define MAGPIE_INT8_PANEL 16

/// Input pairs of an `inputs`-wide row: odd widths end with a zero.
int magpie_int8_pairs(int inputs);

/// The largest quantized input magnitude for rows `inputs` wide: 32,767 (a 16-bit lane), or
/// less where a row's sum of products with weights up to 127 could pass the int32 range
/// (11,008 at 1,536 inputs).
int magpie_int8_input_levels(int inputs);

/// Bytes the packed form of an `outputs × inputs` int8 matrix takes.
size_t magpie_int8_packed_size(int outputs, int inputs);

/// Packs `weight` (row-major `outputs × inputs`) into panels of 16 outputs, each pair of
/// inputs 32 bytes: output 0's two weights, output 1's, and so on.
void magpie_int8_pack(const int8_t *weight, int outputs, int inputs, int8_t *packed);

/// Quantizes `rows` rows of `inputs` floats: `scales[r]` is the row's largest magnitude ÷
/// `magpie_int8_input_levels(inputs)` (1 for a row of zeros), and `pairs[r · pairs(inputs) + p]` holds inputs 2p and 2p + 1 as two
/// int16 (the first in the low half).
void magpie_int8_quantize_rows(const float *input, int rows, int inputs, int32_t *pairs, float *scales);
/// The same with AVX2, where `magpie_cpu_kernel_level` allows it.
void magpie_int8_quantize_rows_avx2(const float *input, int rows, int inputs, int32_t *pairs, float *scales);

/// `output[r][o] += scales[r] · weight_scales[o] · Σₖ q(input)[r][k] · q(weight)[o][k]` for
/// the outputs of panels `first_panel ..< end_panel`, so callers can split panels between
/// threads; `output` rows are `output_stride` apart. The portable variant runs anywhere; the
/// AVX2 one only where `magpie_cpu_kernel_level` allows it; the VNNI one only where
/// `magpie_cpu_has_avx512_vnni` says so, with the AVX2 one's int32 sums exactly.
void magpie_int8_gemm_portable(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                               const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                               int output_stride);
void magpie_int8_gemm_avx2(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                           const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                           int output_stride);
void magpie_int8_gemm_vnni(const int32_t *pairs, const float *scales, int rows, int inputs, const int8_t *packed,
                           const float *weight_scales, int outputs, int first_panel, int end_panel, float *output,
                           int output_stride);

#endif
