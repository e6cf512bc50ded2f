// The body of large_batch_kernel, a template over the vector width, included by each variant's
// translation unit alone (large_kernel_avx512.cpp, large_kernel_avx2.cpp, large_kernel_baseline.cpp),
// each compiled for its instruction set; large_batch_kernel.cpp picks one at run time.
#pragma once

#include <algorithm>
#include <cstring>

#include "model/large_batch_kernel.hpp"
#include "model/large_kernel_blocks.hpp"
#include "model/large_kernel_sparse.hpp"

namespace superpos {
namespace {

#if SUPERPOS_X86_VARIANTS && defined(__AVX512F__)
// The register blocks of each vector width: V, and how many outputs share a load. AVX-512 has 32
// registers: 2 x 10 accumulators in the products and 4 x 4 in the dot products. Measured on an
// AMD Zen 5 core, whose AVX-512 units are full width: in a loop of products alone, 2 x 10 ran at
// 70-76 GFLOP/s against 65-70 for 2 x 8, 2 x 12 and 3 x 8, 52 for 1 x 20, and 33 for AVX2's
// 2 x 6; in the kernel at 400 x 40 each dense product takes ~0.19 s per 1,000 steps.
struct Wide {
  using V = f16;
  static constexpr std::size_t kProductOutputs = 10, kDotRows = 4, kDotColumns = 4;
  static constexpr auto nonzero_lists = nonzero_lists_avx512;
};
#endif
// AVX2 and the baseline have 16 registers: 2 x 6 in the products and 2 x 2 in the dot products
// (two accumulators per output, one per half group).
struct Narrow {
  using V = f8;
  static constexpr std::size_t kProductOutputs = 6, kDotRows = 2, kDotColumns = 2;
  static constexpr auto nonzero_lists = nonzero_lists_scalar;
};

template <typename W>
[[gnu::always_inline]] inline void kernel_body(const float* weights, const float* bias, bool relu,
                                               const float* x_columns, const float* importance,
                                               KernelShape shape, LargeKernelScratch& s,
                                               double* grad_weights, double* grad_bias, double* loss_sum) {
  const std::size_t batch = shape.batch, features = shape.features, hidden = shape.hidden;
  const std::size_t ld = (batch + kGroup - 1) / kGroup * kGroup;
  const float* x = x_columns;
  if (ld != batch) {  // pad each column to whole vectors with zeros
    s.x_padded.assign(features * ld, 0.0f);
    for (std::size_t i = 0; i < features; ++i) std::copy_n(x_columns + i * batch, batch, s.x_padded.data() + i * ld);
    x = s.x_padded.data();
  }
  s.hidden.resize(hidden * ld);
  s.grad_output.resize(features * ld);
  s.grad_hidden.resize(hidden * ld);
  s.weights_t.resize(hidden * features);
  s.grad_w.assign(features * hidden, 0.0f);
  for (std::size_t i = 0; i < features; ++i)
    for (std::size_t k = 0; k < hidden; ++k) s.weights_t[k * features + i] = weights[i * hidden + k];

  // Below a quarter of the entries nonzero, x W and x^T grad_h go over the input's nonzeros alone:
  // at sparsity 0.9 that is a tenth of the work of the dense products.
  std::size_t count = 0;
  for (std::size_t p = 0; p < features * ld; ++p) count += x[p] != 0.0f;
  // The products over nonzero lists read and write a sample's whole row of h or grad_h at once:
  // rows padded with zeros to whole groups of 16 floats, up to 64 hidden units.
  const std::size_t stride = (hidden + kGroup - 1) / kGroup * kGroup;
  const bool sparse = stride <= kMaxSparseGroups * kGroup && 4 * count < batch * features;
  using V = typename W::V;
  if (sparse) {
    s.nonzero_start.resize(features + 1);
    s.nonzero_sample.resize(features * ld + kGroup);
    s.nonzero_value.resize(features * ld + kGroup);
    W::nonzero_lists(x, ld, features, s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data());
    s.padded.assign(features * stride, 0.0f);
    for (std::size_t i = 0; i < features; ++i) std::copy_n(weights + i * hidden, hidden, s.padded.data() + i * stride);
  }

  // h = x W
  if (sparse) {
    s.rows.assign(ld * stride, 0.0f);
    scatter_all<V>(s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data(), features,
                   s.padded.data(), stride, s.rows.data());
    for (std::size_t k = 0; k < hidden; ++k)
      for (std::size_t b = 0; b < ld; ++b) s.hidden[k * ld + b] = s.rows[b * stride + k];
  } else {
    small_product<W>(x, ld, features, weights, hidden, s.hidden.data());
  }

  // z = h W^T, then the loss and d loss / d z in place.
  small_product<W>(s.hidden.data(), ld, hidden, s.weights_t.data(), features, s.grad_output.data());
  *loss_sum = loss_and_output_gradient<W>(s.grad_output.data(), x, bias, importance, relu, features, batch, ld,
                                         grad_bias);

  // grad_h = grad_z W; grad W = grad_z^T h (decoder) + x^T grad_h (encoder).
  // Behind a ReLU, d loss / d z is zero wherever the output is zero: in a sparse model most of
  // the batch (only the features present, and the few others that interfere, pass). Below a
  // quarter of the entries nonzero, grad_z W and grad_z^T h also go over its nonzeros alone.
  std::size_t grad_count = 0;
  for (std::size_t p = 0; p < features * ld; ++p) grad_count += s.grad_output[p] != 0.0f;
  const bool grad_sparse = stride <= kMaxSparseGroups * kGroup && 4 * grad_count < batch * features;
  s.entries += batch * features;
  s.input_nonzeros += count;
  s.grad_nonzeros += grad_count;
  if (grad_sparse) {
    if (!sparse) {
      s.padded.assign(features * stride, 0.0f);
      for (std::size_t i = 0; i < features; ++i) std::copy_n(weights + i * hidden, hidden, s.padded.data() + i * stride);
      // h sample by sample (the sparse input's scatter left it so already).
      s.rows.assign(ld * stride, 0.0f);
      for (std::size_t b = 0; b < ld; ++b)
        for (std::size_t k = 0; k < hidden; ++k) s.rows[b * stride + k] = s.hidden[k * ld + b];
    }
    s.grad_start.resize(features + 1);
    s.grad_sample.resize(features * ld + kGroup);
    s.grad_value.resize(features * ld + kGroup);
    W::nonzero_lists(s.grad_output.data(), ld, features, s.grad_start.data(), s.grad_sample.data(), s.grad_value.data());
    s.grad_rows.assign(ld * stride, 0.0f);
    scatter_all<V>(s.grad_start.data(), s.grad_sample.data(), s.grad_value.data(), features, s.padded.data(), stride,
                   s.grad_rows.data());
    s.padded_grad.assign(features * stride, 0.0f);
    gather_all<V>(s.grad_start.data(), s.grad_sample.data(), s.grad_value.data(), features, s.rows.data(), stride,
                  s.padded_grad.data());
    if (sparse)
      gather_all<V>(s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data(), features,
                    s.grad_rows.data(), stride, s.padded_grad.data());
    for (std::size_t i = 0; i < features; ++i) std::copy_n(s.padded_grad.data() + i * stride, hidden, s.grad_w.data() + i * hidden);
    if (!sparse) {
      for (std::size_t k = 0; k < hidden; ++k)
        for (std::size_t b = 0; b < ld; ++b) s.grad_hidden[k * ld + b] = s.grad_rows[b * stride + k];
      column_dots<W>(x, features, s.grad_hidden.data(), hidden, ld, s.grad_w.data());
    }
    for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = s.grad_w[p];
    return;
  }
  small_product<W>(s.grad_output.data(), ld, features, weights, hidden, s.grad_hidden.data());
  column_dots<W>(s.grad_output.data(), features, s.hidden.data(), hidden, ld, s.grad_w.data());
  if (sparse) {
    for (std::size_t b = 0; b < ld; ++b)
      for (std::size_t k = 0; k < hidden; ++k) s.rows[b * stride + k] = s.grad_hidden[k * ld + b];
    for (std::size_t i = 0; i < features; ++i) std::copy_n(s.grad_w.data() + i * hidden, hidden, s.padded.data() + i * stride);
    gather_all<V>(s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data(), features, s.rows.data(),
                  stride, s.padded.data());
    for (std::size_t i = 0; i < features; ++i) std::copy_n(s.padded.data() + i * stride, hidden, s.grad_w.data() + i * hidden);
  } else {
    column_dots<W>(x, features, s.grad_hidden.data(), hidden, ld, s.grad_w.data());
  }
  for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = s.grad_w[p];
}

}  // namespace
}  // namespace superpos
