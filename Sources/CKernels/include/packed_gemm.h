#ifndef MAGPIE_PACKED_GEMM_H
#define MAGPIE_PACKED_GEMM_H

#include <stddef.h>

#include "cpu_features.h"

/// A dense layer's products with its weights packed once, at load, into the order the kernel
/// reads them: panels of 32 outputs, each panel input-major. OpenBLAS repacks the weights on
/// every call, which for one short text costs as much as the multiplication.

/// Each variant runs only where `magpie_cpu_kernel_level` allows it; elsewhere callers use BLAS.

/// Outputs per panel.
#define MAGPIE_PANEL_WIDTH 32

/// Floats the packed form of an `outputs × inputs` weight matrix takes (outputs rounded up to
/// whole panels, padded with zeros).
size_t magpie_packed_size(int outputs, int inputs);

/// Packs `weight` (row-major `outputs × inputs`, PyTorch's layout) into `packed`.
void magpie_pack_weights(const float *weight, int outputs, int inputs, float *packed);

/// `output[r][o] += Σₖ input[r][k] · weight[o][k]` for `rows` rows, with the weights packed by
/// `magpie_pack_weights`; `input` rows are `inputs` apart, `output` rows `output_stride`.
/// Only outputs `first_panel * 32 ..< min(end_panel * 32, outputs)` are computed, so callers
/// can split the panels between threads.
void magpie_packed_gemm_avx512(const float *input, int rows, int inputs, const float *packed, int outputs,
                               int first_panel, int end_panel, float *output, int output_stride);

/// The same product with AVX2 and FMA, for CPUs without AVX-512 (AMD Zen 1 to 3, Intel
/// before Skylake-SP and its client parts).
void magpie_packed_gemm_avx2(const float *input, int rows, int inputs, const float *packed, int outputs,
                             int first_panel, int end_panel, float *output, int output_stride);

#endif
