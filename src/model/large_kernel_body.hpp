// The body of large_batch_kernel, a template over the vector width, included by each variant's
// translation unit alone (large_kernel_avx512.cpp, large_kernel_avx2.cpp, large_kernel_baseline.cpp),
// each compiled for its instruction set; large_batch_kernel.cpp picks one at run time.
#pragma once

#include <algorithm>
#include <cstring>

#include "model/large_batch_kernel.hpp"
#include "model/large_kernel_blocks.hpp"
#include "model/large_kernel_sparse.hpp"
#include "simd/transpose16.hpp"

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

// `count` rows of `width` floats, `from_stride` apart, copied to rows `to_stride` apart: W or its
// gradient between its own layout and rows padded to whole groups (the padding is zeroed once, by
// the caller's assign, and never written).
inline void copy_rows(const float* from, std::size_t from_stride, std::size_t count, std::size_t width, float* to,
                      std::size_t to_stride) {
  for (std::size_t r = 0; r < count; ++r) std::copy_n(from + r * from_stride, width, to + r * to_stride);
}

// h or grad_h between a column per hidden unit (leading dimension ld) and a padded row per sample,
// 16 samples x 16 hidden units at a time through a transpose in registers (element by element, the
// strided half of each copy took a fifth of the sparse path's step at 200 x 20). Pure data
// movement; a row's padding past `hidden` is written with zeros.
inline void columns_to_rows(const float* columns, std::size_t ld, std::size_t hidden, std::size_t stride, float* rows) {
  for (std::size_t b = 0; b < ld; b += kGroup)  // ld and stride are whole groups of 16
    for (std::size_t k0 = 0; k0 < stride; k0 += kGroup) {
      f16 r[16];
      for (std::size_t k = 0; k < 16; ++k)
        r[k] = k0 + k < hidden ? load<f16>(columns + (k0 + k) * ld + b) : f16{};
      simd::transpose16(r);
      for (std::size_t j = 0; j < 16; ++j) store<f16>(rows + (b + j) * stride + k0, r[j]);
    }
}
inline void rows_to_columns(const float* rows, std::size_t ld, std::size_t hidden, std::size_t stride, float* columns) {
  for (std::size_t b = 0; b < ld; b += kGroup)
    for (std::size_t k0 = 0; k0 < hidden; k0 += kGroup) {
      f16 r[16];
      for (std::size_t j = 0; j < 16; ++j) r[j] = load<f16>(rows + (b + j) * stride + k0);
      simd::transpose16(r);
      for (std::size_t k = 0; k < 16 && k0 + k < hidden; ++k) store<f16>(columns + (k0 + k) * ld + b, r[k]);
    }
}

// The nonzero lists of a batch-long matrix (features columns, leading dimension ld).
template <typename W>
[[gnu::always_inline]] inline void build_lists(const float* columns, std::size_t ld, std::size_t features,
                                               NonzeroLists& lists) {
  lists.start.resize(features + 1);
  lists.sample.resize(features * ld + kGroup);
  lists.value.resize(features * ld + kGroup);
  W::nonzero_lists(columns, ld, features, lists.start.data(), lists.sample.data(), lists.value.data());
}
template <typename V>
[[gnu::always_inline]] inline void scatter_lists(const NonzeroLists& lists, std::size_t features, const float* w_rows,
                                                 std::size_t stride, float* rows) {
  scatter_all<V>(lists.start.data(), lists.sample.data(), lists.value.data(), features, w_rows, stride, rows);
}
template <typename V>
[[gnu::always_inline]] inline void gather_lists(const NonzeroLists& lists, std::size_t features, const float* rows,
                                                std::size_t stride, float* out_rows) {
  gather_all<V>(lists.start.data(), lists.sample.data(), lists.value.data(), features, rows, stride, out_rows);
}

// Counted in 32-bit lanes, a chunk of at most 2^30 entries at a time: with one size_t counter the
// loop widened every comparison to 64 bits, several percent of a step at 200 x 20.
inline std::size_t count_nonzero(const float* values, std::size_t count) {
  std::size_t nonzero = 0;
  for (std::size_t from = 0; from < count; from += std::size_t{1} << 30) {
    const std::size_t to = std::min(count, from + (std::size_t{1} << 30));
    std::uint32_t chunk = 0;
    for (std::size_t p = from; p < to; ++p) chunk += values[p] != 0.0f;
    nonzero += chunk;
  }
  return nonzero;
}

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
    copy_rows(x_columns, batch, features, batch, s.x_padded.data(), ld);
    x = s.x_padded.data();
  }
  s.hidden.resize(hidden * ld);
  s.grad_output.resize(features * ld);
  s.grad_hidden.resize(hidden * ld);
  s.weights_t.resize(hidden * features);
  s.grad_w.assign(features * hidden, 0.0f);
  for (std::size_t i = 0; i < features; ++i)
    for (std::size_t k = 0; k < hidden; ++k) s.weights_t[k * features + i] = weights[i * hidden + k];

  // Below an eighth of the entries nonzero, x W and x^T grad_h go over the input's nonzeros alone:
  // at sparsity 0.9 that is a tenth of the work of the dense products. Not from a quarter, as
  // before: the lists, the padded rows and the transposes between rows and columns cost more than
  // the skipped products save until then. Measured per step at batch 1,024 (kernel alone, AVX-512):
  // at 200 x 20 the dense step takes 380-420 us whatever the share, the sparse one 480-510 us at a
  // quarter, 455-465 at a fifth, 410-430 at 0.15, 360-375 at a tenth, 340-370 at a twentieth; at
  // 400 x 40 and 100 x 20 the two are within 5% of each other from a quarter down.
  const std::size_t count = count_nonzero(x, features * ld);
  // The products over nonzero lists read and write a sample's whole row of h or grad_h at once:
  // rows padded with zeros to whole groups of 16 floats, up to 64 hidden units.
  const std::size_t stride = (hidden + kGroup - 1) / kGroup * kGroup;
  const bool lists_fit = stride <= kMaxSparseGroups * kGroup;
  const bool sparse = lists_fit && 8 * count < batch * features;
  using V = typename W::V;
  auto pad_weights = [&] {
    s.padded.assign(features * stride, 0.0f);
    copy_rows(weights, hidden, features, hidden, s.padded.data(), stride);
  };

  // h = x W; with the sparse input, h is also left sample by sample in s.rows.
  if (sparse) {
    build_lists<W>(x, ld, features, s.input_lists);
    pad_weights();
    s.rows.assign(ld * stride, 0.0f);
    scatter_lists<V>(s.input_lists, features, s.padded.data(), stride, s.rows.data());
    rows_to_columns(s.rows.data(), ld, hidden, stride, s.hidden.data());
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
  const std::size_t grad_count = count_nonzero(s.grad_output.data(), features * ld);
  const bool grad_sparse = lists_fit && 4 * grad_count < batch * features;
  s.entries += batch * features;
  s.input_nonzeros += count;
  s.grad_nonzeros += grad_count;

  // The decoder's part first: grad_h (as columns, or as rows when grad_z is sparse) and grad_z^T h.
  if (grad_sparse) {
    if (!sparse) {
      pad_weights();
      s.rows.resize(ld * stride);  // every entry written below
      columns_to_rows(s.hidden.data(), ld, hidden, stride, s.rows.data());
    }
    build_lists<W>(s.grad_output.data(), ld, features, s.grad_lists);
    s.grad_rows.assign(ld * stride, 0.0f);
    scatter_lists<V>(s.grad_lists, features, s.padded.data(), stride, s.grad_rows.data());
    s.padded_grad.assign(features * stride, 0.0f);
    gather_lists<V>(s.grad_lists, features, s.rows.data(), stride, s.padded_grad.data());
  } else {
    small_product<W>(s.grad_output.data(), ld, features, weights, hidden, s.grad_hidden.data());
    column_dots<W>(s.grad_output.data(), features, s.hidden.data(), hidden, ld, s.grad_w.data());
    if (sparse) {
      s.grad_rows.resize(ld * stride);  // every entry written below
      columns_to_rows(s.grad_hidden.data(), ld, hidden, stride, s.grad_rows.data());
      s.padded_grad.assign(features * stride, 0.0f);
      copy_rows(s.grad_w.data(), hidden, features, hidden, s.padded_grad.data(), stride);
    }
  }
  // Then the encoder's, x^T grad_h: over the input's nonzero lists, or dense.
  if (sparse) gather_lists<V>(s.input_lists, features, s.grad_rows.data(), stride, s.padded_grad.data());
  if (sparse || grad_sparse) copy_rows(s.padded_grad.data(), stride, features, hidden, s.grad_w.data(), hidden);
  if (!sparse) {
    if (grad_sparse) rows_to_columns(s.grad_rows.data(), ld, hidden, stride, s.grad_hidden.data());
    column_dots<W>(x, features, s.grad_hidden.data(), hidden, ld, s.grad_w.data());
  }
  for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = s.grad_w[p];
}

}  // namespace
}  // namespace superpos
