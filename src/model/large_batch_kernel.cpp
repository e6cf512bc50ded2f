#include "model/large_batch_kernel.hpp"

#include <algorithm>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

using simd::f8;
using simd::i8;
using simd::load8;
using simd::store8;
constexpr std::size_t kLanes = simd::kFloatLanes;

// C[:, j] = sum over k of S[k][j] A[:, k], for a block of NV vectors of samples (from `at`) and NJ
// outputs (from j0). A and C are column-major with leading dimension ld; S is row-major K x J.
// The NV x NJ accumulators stay in registers while k runs over all of A's columns.
template <std::size_t NV, std::size_t NJ>
[[gnu::always_inline]] inline void small_product_block(const float* a, std::size_t ld, std::size_t k_count,
                                                       const float* s, std::size_t j_count, float* c,
                                                       std::size_t at, std::size_t j0) {
  f8 acc[NV][NJ] = {};
  for (std::size_t k = 0; k < k_count; ++k) {
    f8 column[NV];
    for (std::size_t v = 0; v < NV; ++v) column[v] = load8(a + k * ld + at + v * kLanes);
    const float* scalars = s + k * j_count + j0;
    for (std::size_t j = 0; j < NJ; ++j)
      for (std::size_t v = 0; v < NV; ++v) acc[v][j] += column[v] * scalars[j];
  }
  for (std::size_t j = 0; j < NJ; ++j)
    for (std::size_t v = 0; v < NV; ++v) store8(c + (j0 + j) * ld + at + v * kLanes, acc[v][j]);
}

template <std::size_t NV>
[[gnu::always_inline]] inline void small_product_row(const float* a, std::size_t ld, std::size_t k_count,
                                                     const float* s, std::size_t j_count, float* c, std::size_t at) {
  std::size_t j0 = 0;
  for (; j0 + 6 <= j_count; j0 += 6) small_product_block<NV, 6>(a, ld, k_count, s, j_count, c, at, j0);
  switch (j_count - j0) {
    case 5: small_product_block<NV, 5>(a, ld, k_count, s, j_count, c, at, j0); break;
    case 4: small_product_block<NV, 4>(a, ld, k_count, s, j_count, c, at, j0); break;
    case 3: small_product_block<NV, 3>(a, ld, k_count, s, j_count, c, at, j0); break;
    case 2: small_product_block<NV, 2>(a, ld, k_count, s, j_count, c, at, j0); break;
    case 1: small_product_block<NV, 1>(a, ld, k_count, s, j_count, c, at, j0); break;
    default: break;
  }
}

// C (ld x J, column-major) = A (ld x K, column-major) S (K x J, row-major); ld a multiple of 8.
// Two vectors by six outputs: 12 accumulators and 2 column loads, with broadcasts and products in
// the remaining AVX2 registers (measured at 400 x 40 against 3 x 4, 2 x 4, 3 x 3 and 4 x 3: the
// fastest by 5-10%; the products run at about 70 GFLOP/s, near this core's peak without FMA).
[[gnu::always_inline]] inline void small_product(const float* a, std::size_t ld, std::size_t k_count, const float* s, std::size_t j_count,
                   float* c) {
  std::size_t at = 0;
  for (; at + 2 * kLanes <= ld; at += 2 * kLanes) small_product_row<2>(a, ld, k_count, s, j_count, c, at);
  for (; at < ld; at += kLanes) small_product_row<1>(a, ld, k_count, s, j_count, c, at);
}

// out[i][k] += sum over samples of A[:, i] . C[:, k] for a block of NI x NK outputs.
template <std::size_t NI, std::size_t NK>
[[gnu::always_inline]] inline void column_dots_block(const float* a, const float* c, std::size_t ld,
                                                     std::size_t k_count, float* out, std::size_t i0,
                                                     std::size_t k0) {
  f8 acc[NI][NK] = {};
  for (std::size_t b = 0; b < ld; b += kLanes) {
    f8 left[NI], right[NK];
    for (std::size_t i = 0; i < NI; ++i) left[i] = load8(a + (i0 + i) * ld + b);
    for (std::size_t k = 0; k < NK; ++k) right[k] = load8(c + (k0 + k) * ld + b);
    for (std::size_t i = 0; i < NI; ++i)
      for (std::size_t k = 0; k < NK; ++k) acc[i][k] += left[i] * right[k];
  }
  for (std::size_t i = 0; i < NI; ++i)
    for (std::size_t k = 0; k < NK; ++k) {
      float sum = 0.0f;
      for (std::size_t lane = 0; lane < kLanes; ++lane) sum += acc[i][k][lane];
      out[(i0 + i) * k_count + k0 + k] += sum;
    }
}

template <std::size_t NI>
[[gnu::always_inline]] inline void column_dots_row(const float* a, const float* c, std::size_t ld,
                                                   std::size_t k_count, float* out, std::size_t i0) {
  std::size_t k0 = 0;
  for (; k0 + 3 <= k_count; k0 += 3) column_dots_block<NI, 3>(a, c, ld, k_count, out, i0, k0);
  switch (k_count - k0) {
    case 2: column_dots_block<NI, 2>(a, c, ld, k_count, out, i0, k0); break;
    case 1: column_dots_block<NI, 1>(a, c, ld, k_count, out, i0, k0); break;
    default: break;
  }
}

// out (I x K, row-major) += A^T C for column-major A (ld x I) and C (ld x K). Three by three
// outputs: 9 accumulators and 6 loads per vector of samples, so nothing spills.
[[gnu::always_inline]] inline void column_dots(const float* a, std::size_t i_count, const float* c, std::size_t k_count, std::size_t ld,
                 float* out) {
  std::size_t i0 = 0;
  for (; i0 + 3 <= i_count; i0 += 3) column_dots_row<3>(a, c, ld, k_count, out, i0);
  for (; i0 < i_count; ++i0) column_dots_row<1>(a, c, ld, k_count, out, i0);
}

// Rows of a column-major matrix (ld x cols) as a row-major one (rows x cols), and back.
[[gnu::always_inline]] inline void columns_to_rows(const float* columns, std::size_t ld, std::size_t rows, std::size_t cols, float* out) {
  for (std::size_t b = 0; b < rows; ++b)
    for (std::size_t k = 0; k < cols; ++k) out[b * cols + k] = columns[k * ld + b];
}

}  // namespace

SUPERPOS_SIMD_CLONES
void large_batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                        const float* importance, KernelShape shape, LargeKernelScratch& s, double* grad_weights,
                        double* grad_bias, double* loss_sum) {
  const std::size_t batch = shape.batch, features = shape.features, hidden = shape.hidden;
  const std::size_t ld = (batch + kLanes - 1) / kLanes * kLanes;
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

  // The input's nonzeros, feature by feature. Below a quarter of the entries, x W and x^T grad_h
  // go over them alone: at sparsity 0.9 that is a tenth of the work of the dense products.
  // Branch-free: every entry is written and the cursor moves past the nonzero ones (a branch per
  // entry, mispredicted at random, cost a fifth of the step at 400 x 40).
  s.nonzero_start.resize(features + 1);
  s.nonzero_sample.resize(features * batch + 1);
  s.nonzero_value.resize(features * batch + 1);
  std::size_t count = 0;
  for (std::size_t i = 0; i < features; ++i) {
    s.nonzero_start[i] = static_cast<std::uint32_t>(count);
    const float* column = x + i * ld;
    for (std::size_t b = 0; b < batch; ++b) {
      s.nonzero_sample[count] = static_cast<std::uint32_t>(b);
      s.nonzero_value[count] = column[b];
      count += column[b] != 0.0f;
    }
  }
  s.nonzero_start[features] = static_cast<std::uint32_t>(count);
  const bool sparse = 4 * count < batch * features;

  // h = x W
  if (sparse) {
    s.rows.assign(ld * hidden, 0.0f);
    for (std::size_t i = 0; i < features; ++i) {
      const float* w = weights + i * hidden;
      for (std::uint32_t n = s.nonzero_start[i]; n < s.nonzero_start[i + 1]; ++n) {
        float* row = s.rows.data() + s.nonzero_sample[n] * hidden;
        const float value = s.nonzero_value[n];
        for (std::size_t k = 0; k < hidden; ++k) row[k] += value * w[k];
      }
    }
    for (std::size_t k = 0; k < hidden; ++k)
      for (std::size_t b = 0; b < ld; ++b) s.hidden[k * ld + b] = s.rows[b * hidden + k];
  } else {
    small_product(x, ld, features, weights, hidden, s.hidden.data());
  }

  // z = h W^T, then the loss and d loss / d z in place, feature by feature.
  small_product(s.hidden.data(), ld, hidden, s.weights_t.data(), features, s.grad_output.data());
  const float inv_batch = 1.0f / static_cast<float>(batch);
  const f8 zero = {};
  double loss = 0.0;
  for (std::size_t i = 0; i < features; ++i) {
    float* g = s.grad_output.data() + i * ld;
    const float* xi = x + i * ld;
    f8 squares = {};
    const float scale = inv_batch * importance[i];
    for (std::size_t b = 0; b < ld; b += kLanes) {
      i8 valid;
      for (std::size_t lane = 0; lane < kLanes; ++lane) valid[lane] = b + lane < batch ? -1 : 0;
      const f8 pre = load8(g + b) + bias[i];
      const i8 positive = pre > 0.0f;
      const f8 out = relu ? (positive ? pre : zero) : pre;
      const f8 error = valid ? out - load8(xi + b) : zero;
      squares += error * error;
      const i8 passes = relu ? positive : i8{} - 1;
      store8(g + b, passes ? scale * (2.0f * error) : zero);
    }
    double column = 0.0;
    for (std::size_t lane = 0; lane < kLanes; ++lane) column += squares[lane];
    loss += importance[i] * column;
    double bias_sum = 0.0;
    f8 g_sum = {};
    for (std::size_t b = 0; b < ld; b += kLanes) g_sum += load8(g + b);
    for (std::size_t lane = 0; lane < kLanes; ++lane) bias_sum += g_sum[lane];
    grad_bias[i] = bias_sum;
  }
  *loss_sum = loss;

  // grad_h = grad_z W; grad W = grad_z^T h (decoder) + x^T grad_h (encoder).
  small_product(s.grad_output.data(), ld, features, weights, hidden, s.grad_hidden.data());
  column_dots(s.grad_output.data(), features, s.hidden.data(), hidden, ld, s.grad_w.data());
  if (sparse) {
    s.rows.resize(ld * hidden);
    columns_to_rows(s.grad_hidden.data(), ld, batch, hidden, s.rows.data());
    for (std::size_t i = 0; i < features; ++i) {
      float* out = s.grad_w.data() + i * hidden;
      for (std::uint32_t n = s.nonzero_start[i]; n < s.nonzero_start[i + 1]; ++n) {
        const float* row = s.rows.data() + s.nonzero_sample[n] * hidden;
        const float value = s.nonzero_value[n];
        for (std::size_t k = 0; k < hidden; ++k) out[k] += value * row[k];
      }
    }
  } else {
    column_dots(x, features, s.grad_hidden.data(), hidden, ld, s.grad_w.data());
  }
  for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = s.grad_w[p];
}

}  // namespace superpos
