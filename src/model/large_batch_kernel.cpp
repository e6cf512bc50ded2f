#include "model/large_batch_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "simd/lanes.hpp"

// The AVX-512 and AVX2 variants, chosen at run time; not under AddressSanitizer (as
// SUPERPOS_SIMD_CLONES), which then checks the baseline variant.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SUPERPOS_X86_VARIANTS 1
#include <immintrin.h>
#else
#define SUPERPOS_X86_VARIANTS 0
#endif

namespace superpos {
namespace {

using simd::f8;

// Sixteen float lanes: one AVX-512 register, two AVX2 ones.
using f16 = float __attribute__((vector_size(64)));

template <typename V>
[[gnu::always_inline]] inline V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
[[gnu::always_inline]] inline void store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}

// Columns are padded to whole groups of this many samples. The sums over samples (column_dots)
// keep one partial sum per sample position in a group, whatever the vector width, so that the
// AVX-512, AVX2 and baseline builds add the same numbers in the same order: bit-identical results
// on any x86-64 machine.
constexpr std::size_t kGroup = 16;

// Each feature's nonzero inputs, as (sample, value) pairs from start[i] on; start[features] ends
// the last. The arrays have room for features x ld + kGroup entries.
//
// Branch-free: every entry is written and the cursor moves past the nonzero ones (a branch per
// entry, mispredicted at random, cost a fifth of the step at 400 x 40).
inline void nonzero_lists_scalar(const float* x, std::size_t ld, std::size_t features, std::uint32_t* start,
                                 std::uint32_t* sample, float* value) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < features; ++i) {
    start[i] = static_cast<std::uint32_t>(count);
    const float* column = x + i * ld;
    for (std::size_t b = 0; b < ld; ++b) {
      sample[count] = static_cast<std::uint32_t>(b);
      value[count] = column[b];
      count += column[b] != 0.0f;
    }
  }
  start[features] = static_cast<std::uint32_t>(count);
}

#if SUPERPOS_X86_VARIANTS
// The same lists sixteen entries at a time: AVX-512 packs the nonzero lanes of a vector together
// (vcompressps), a fifth of the scalar loop's time at 400 x 40.
__attribute__((target("arch=x86-64-v4"))) void nonzero_lists_avx512(const float* x, std::size_t ld,
                                                                    std::size_t features, std::uint32_t* start,
                                                                    std::uint32_t* sample, float* value) {
  std::size_t count = 0;
  const __m512i step = _mm512_set1_epi32(static_cast<int>(kGroup));
  for (std::size_t i = 0; i < features; ++i) {
    start[i] = static_cast<std::uint32_t>(count);
    const float* column = x + i * ld;
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (std::size_t b = 0; b < ld; b += kGroup) {
      const __m512 v = _mm512_loadu_ps(column + b);
      const __mmask16 nonzero = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);  // as C++'s !=
      _mm512_storeu_ps(value + count, _mm512_maskz_compress_ps(nonzero, v));
      _mm512_storeu_si512(sample + count, _mm512_maskz_compress_epi32(nonzero, index));
      count += static_cast<std::size_t>(__builtin_popcount(nonzero));
      index = _mm512_add_epi32(index, step);
    }
  }
  start[features] = static_cast<std::uint32_t>(count);
}

// The register blocks of each vector width: V, and how many outputs share a load. AVX-512 has 32
// registers: 2 x 10 accumulators in the products and 4 x 4 in the dot products (measured at
// 400 x 40 against 2 x 8, 2 x 12, 3 x 8 and 1 x 20: 2 x 10 ran at 70-76 GFLOP/s against 33 for
// AVX2's 2 x 6 on this AMD Zen 5 core, whose AVX-512 units are full width).
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

// C[:, j] = sum over k of S[k][j] A[:, k], for a block of NV vectors of samples (from `at`) and NJ
// outputs (from j0). A and C are column-major with leading dimension ld; S is row-major K x J.
// The NV x NJ accumulators stay in registers while k runs over all of A's columns. Each output is
// a sum over k in order, lane by lane: the vector width does not change it.
template <typename V, std::size_t NV, std::size_t NJ>
[[gnu::always_inline]] inline void small_product_block(const float* a, std::size_t ld, std::size_t k_count,
                                                       const float* s, std::size_t j_count, float* c,
                                                       std::size_t at, std::size_t j0) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  V acc[NV][NJ] = {};
  for (std::size_t k = 0; k < k_count; ++k) {
    V column[NV];
    for (std::size_t v = 0; v < NV; ++v) column[v] = load<V>(a + k * ld + at + v * lanes);
    const float* scalars = s + k * j_count + j0;
    for (std::size_t j = 0; j < NJ; ++j)
      for (std::size_t v = 0; v < NV; ++v) acc[v][j] += column[v] * scalars[j];
  }
  for (std::size_t j = 0; j < NJ; ++j)
    for (std::size_t v = 0; v < NV; ++v) store<V>(c + (j0 + j) * ld + at + v * lanes, acc[v][j]);
}

// The last j_count - j0 < NJ outputs, with a block of exactly that many.
template <typename V, std::size_t NV, std::size_t NJ>
[[gnu::always_inline]] inline void small_product_tail(const float* a, std::size_t ld, std::size_t k_count,
                                                      const float* s, std::size_t j_count, float* c,
                                                      std::size_t at, std::size_t j0) {
  if constexpr (NJ > 0) {
    if (j_count - j0 == NJ)
      small_product_block<V, NV, NJ>(a, ld, k_count, s, j_count, c, at, j0);
    else
      small_product_tail<V, NV, NJ - 1>(a, ld, k_count, s, j_count, c, at, j0);
  }
}

template <typename W, std::size_t NV>
[[gnu::always_inline]] inline void small_product_row(const float* a, std::size_t ld, std::size_t k_count,
                                                     const float* s, std::size_t j_count, float* c, std::size_t at) {
  constexpr std::size_t nj = W::kProductOutputs;
  std::size_t j0 = 0;
  for (; j0 + nj <= j_count; j0 += nj) small_product_block<typename W::V, NV, nj>(a, ld, k_count, s, j_count, c, at, j0);
  if (j0 < j_count) small_product_tail<typename W::V, NV, nj - 1>(a, ld, k_count, s, j_count, c, at, j0);
}

// C (ld x J, column-major) = A (ld x K, column-major) S (K x J, row-major); ld a multiple of kGroup.
template <typename W>
[[gnu::always_inline]] inline void small_product(const float* a, std::size_t ld, std::size_t k_count,
                                                 const float* s, std::size_t j_count, float* c) {
  constexpr std::size_t lanes = sizeof(typename W::V) / sizeof(float);
  std::size_t at = 0;
  for (; at + 2 * lanes <= ld; at += 2 * lanes) small_product_row<W, 2>(a, ld, k_count, s, j_count, c, at);
  for (; at < ld; at += lanes) small_product_row<W, 1>(a, ld, k_count, s, j_count, c, at);
}

// out[i][k] += sum over samples of A[:, i] . C[:, k] for a block of NI x NK outputs. Sample b
// goes to partial sum b mod kGroup; the kGroup partials are added in order at the end.
template <typename V, std::size_t NI, std::size_t NK>
[[gnu::always_inline]] inline void column_dots_block(const float* a, const float* c, std::size_t ld,
                                                     std::size_t k_count, float* out, std::size_t i0,
                                                     std::size_t k0) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), parts = kGroup / lanes;
  V acc[parts][NI][NK] = {};
  for (std::size_t b = 0; b < ld; b += kGroup) {
    for (std::size_t part = 0; part < parts; ++part) {
      V left[NI], right[NK];
      for (std::size_t i = 0; i < NI; ++i) left[i] = load<V>(a + (i0 + i) * ld + b + part * lanes);
      for (std::size_t k = 0; k < NK; ++k) right[k] = load<V>(c + (k0 + k) * ld + b + part * lanes);
      for (std::size_t i = 0; i < NI; ++i)
        for (std::size_t k = 0; k < NK; ++k) acc[part][i][k] += left[i] * right[k];
    }
  }
  for (std::size_t i = 0; i < NI; ++i)
    for (std::size_t k = 0; k < NK; ++k) {
      float sum = 0.0f;
      for (std::size_t part = 0; part < parts; ++part)
        for (std::size_t lane = 0; lane < lanes; ++lane) sum += acc[part][i][k][lane];
      out[(i0 + i) * k_count + k0 + k] += sum;
    }
}

template <typename V, std::size_t NI, std::size_t NK>
[[gnu::always_inline]] inline void column_dots_row(const float* a, const float* c, std::size_t ld,
                                                   std::size_t k_count, float* out, std::size_t i0) {
  std::size_t k0 = 0;
  for (; k0 + NK <= k_count; k0 += NK) column_dots_block<V, NI, NK>(a, c, ld, k_count, out, i0, k0);
  for (; k0 < k_count; ++k0) column_dots_block<V, NI, 1>(a, c, ld, k_count, out, i0, k0);
}

// out (I x K, row-major) += A^T C for column-major A (ld x I) and C (ld x K).
template <typename W>
[[gnu::always_inline]] inline void column_dots(const float* a, std::size_t i_count, const float* c,
                                               std::size_t k_count, std::size_t ld, float* out) {
  using V = typename W::V;
  std::size_t i0 = 0;
  for (; i0 + W::kDotRows <= i_count; i0 += W::kDotRows)
    column_dots_row<V, W::kDotRows, W::kDotColumns>(a, c, ld, k_count, out, i0);
  for (; i0 < i_count; ++i0) column_dots_row<V, 1, W::kDotColumns>(a, c, ld, k_count, out, i0);
}

// A nonzero list (nonzero_lists) of one feature: entries [begin, end) of sample and value.
struct NonzeroList {
  const std::uint32_t* sample;
  const float* value;
  std::uint32_t begin, end;
};

// rows[b] += value * w_row for every (b, value) of the list, in the list's order. Rows are `stride`
// floats apart and `groups` x 16 long; w_row stays in registers. Each row gets the features'
// terms in feature order, as the dense product adds them (skipping zeros changes nothing).
template <typename V, std::size_t groups>
[[gnu::always_inline]] inline void scatter_rows(NonzeroList list, const float* w_row, std::size_t stride,
                                                float* rows) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), nv = groups * kGroup / lanes;
  V w[nv];
  for (std::size_t v = 0; v < nv; ++v) w[v] = load<V>(w_row + v * lanes);
  for (std::uint32_t n = list.begin; n < list.end; ++n) {
    float* row = rows + std::size_t{list.sample[n]} * stride;
    const float value = list.value[n];
    for (std::size_t v = 0; v < nv; ++v) store<V>(row + v * lanes, load<V>(row + v * lanes) + value * w[v]);
  }
}

// out += sum over the list of value * rows[b]: four running sums (entries n, n + 4, ... of the
// list go to sum n mod 4), added as (s0 + s1) + (s2 + s3). Four, so that an addition need not wait
// for the one before; the order is the same in every variant.
template <typename V, std::size_t groups>
[[gnu::always_inline]] inline void gather_rows(NonzeroList list, const float* rows, std::size_t stride,
                                               float* out) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), nv = groups * kGroup / lanes, chains = 4;
  V acc[chains][nv] = {};
  std::uint32_t n = list.begin;
  for (; n + chains <= list.end; n += chains)
    for (std::size_t c = 0; c < chains; ++c) {
      const float* row = rows + std::size_t{list.sample[n + c]} * stride;
      const float value = list.value[n + c];
      for (std::size_t v = 0; v < nv; ++v) acc[c][v] += value * load<V>(row + v * lanes);
    }
  for (std::size_t c = 0; n < list.end; ++n, ++c) {
    const float* row = rows + std::size_t{list.sample[n]} * stride;
    const float value = list.value[n];
    for (std::size_t v = 0; v < nv; ++v) acc[c][v] += value * load<V>(row + v * lanes);
  }
  for (std::size_t v = 0; v < nv; ++v)
    store<V>(out + v * lanes, load<V>(out + v * lanes) + ((acc[0][v] + acc[1][v]) + (acc[2][v] + acc[3][v])));
}

// The products over nonzero lists, for rows of `groups` x 16 floats (1 to 4: up to 64 hidden
// units; more take the dense products).
inline constexpr std::size_t kMaxSparseGroups = 4;

template <typename V, std::size_t groups = 1>
[[gnu::always_inline]] inline void scatter_all(const std::uint32_t* start, const std::uint32_t* sample,
                                               const float* value, std::size_t features, const float* w_rows,
                                               std::size_t stride, float* rows) {
  if (stride != groups * kGroup) {
    if constexpr (groups < kMaxSparseGroups)
      scatter_all<V, groups + 1>(start, sample, value, features, w_rows, stride, rows);
    return;
  }
  for (std::size_t i = 0; i < features; ++i)
    scatter_rows<V, groups>({sample, value, start[i], start[i + 1]}, w_rows + i * stride, stride, rows);
}

template <typename V, std::size_t groups = 1>
[[gnu::always_inline]] inline void gather_all(const std::uint32_t* start, const std::uint32_t* sample,
                                              const float* value, std::size_t features, const float* rows,
                                              std::size_t stride, float* out_rows) {
  if (stride != groups * kGroup) {
    if constexpr (groups < kMaxSparseGroups)
      gather_all<V, groups + 1>(start, sample, value, features, rows, stride, out_rows);
    return;
  }
  for (std::size_t i = 0; i < features; ++i)
    gather_rows<V, groups>({sample, value, start[i], start[i + 1]}, rows, stride, out_rows + i * stride);
}

// One vector of a feature's column: the output, its squared error added to `squares` and
// d loss / d z (stored over z, and added to `sums`). In the last, partial, group of samples the
// lanes past the batch add zero and get zero.
template <typename V, bool partial>
[[gnu::always_inline]] inline void output_gradient_vector(float* g, const float* xi, std::size_t at, std::size_t batch,
                                                          float bias, float scale, bool relu, V& squares, V& sums) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  using Mask = decltype(V{} > 0.0f);
  const V zero = {};
  const V pre = load<V>(g + at) + bias;
  const Mask positive = pre > 0.0f;
  const V out = relu ? (positive ? pre : zero) : pre;
  V error = out - load<V>(xi + at);
  if constexpr (partial) {
    Mask valid;
    for (std::size_t lane = 0; lane < lanes; ++lane) valid[lane] = at + lane < batch ? -1 : 0;
    error = valid ? error : zero;
  }
  squares += error * error;
  const Mask passes = relu ? positive : Mask{} - 1;
  const V grad = passes ? scale * (2.0f * error) : zero;
  store<V>(g + at, grad);
  sums += grad;
}

// The loss and d loss / d z, in place over z (column-major, ld a multiple of kGroup), feature by
// feature, with d loss / d bias. The sums over samples keep kGroup partials, as column_dots.
template <typename W>
[[gnu::always_inline]] inline double loss_and_output_gradient(float* grad_output, const float* x, const float* bias,
                                                              const float* importance, bool relu,
                                                              std::size_t features, std::size_t batch,
                                                              std::size_t ld, double* grad_bias) {
  using V = typename W::V;
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), parts = kGroup / lanes;
  const float inv_batch = 1.0f / static_cast<float>(batch);
  const std::size_t whole = batch / kGroup * kGroup;
  double loss = 0.0;
  for (std::size_t i = 0; i < features; ++i) {
    float* g = grad_output + i * ld;
    const float* xi = x + i * ld;
    const float scale = inv_batch * importance[i];
    V squares[parts] = {}, sums[parts] = {};
    for (std::size_t b = 0; b < whole; b += kGroup)
      for (std::size_t part = 0; part < parts; ++part)
        output_gradient_vector<V, false>(g, xi, b + part * lanes, batch, bias[i], scale, relu, squares[part],
                                         sums[part]);
    if (whole < ld)
      for (std::size_t part = 0; part < parts; ++part)
        output_gradient_vector<V, true>(g, xi, whole + part * lanes, batch, bias[i], scale, relu, squares[part],
                                        sums[part]);
    double column = 0.0, bias_sum = 0.0;
    for (std::size_t part = 0; part < parts; ++part)
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        column += squares[part][lane];
        bias_sum += sums[part][lane];
      }
    loss += importance[i] * column;
    grad_bias[i] = bias_sum;
  }
  return loss;
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

using Kernel = void (*)(const float*, const float*, bool, const float*, const float*, KernelShape,
                        LargeKernelScratch&, double*, double*, double*);

#if SUPERPOS_X86_VARIANTS
__attribute__((target("arch=x86-64-v4"))) void kernel_avx512(const float* weights, const float* bias, bool relu,
                                                             const float* x, const float* importance,
                                                             KernelShape shape, LargeKernelScratch& s,
                                                             double* gw, double* gb, double* loss) {
  kernel_body<Wide>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}
__attribute__((target("arch=x86-64-v3"))) void kernel_avx2(const float* weights, const float* bias, bool relu,
                                                           const float* x, const float* importance,
                                                           KernelShape shape, LargeKernelScratch& s, double* gw,
                                                           double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}
#endif
void kernel_baseline(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
                     KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}

struct Variant {
  const char* name;
  Kernel kernel;
  bool supported;
};

std::vector<Variant> variants() {
  std::vector<Variant> all;
#if SUPERPOS_X86_VARIANTS
  __builtin_cpu_init();
  all.push_back({"avx512", kernel_avx512, __builtin_cpu_supports("x86-64-v4") != 0});
  all.push_back({"avx2", kernel_avx2, __builtin_cpu_supports("x86-64-v3") != 0});
#endif
  all.push_back({"baseline", kernel_baseline, true});
  return all;
}

Kernel widest_kernel() {
  for (const Variant& v : variants())
    if (v.supported) return v.kernel;
  return kernel_baseline;
}

}  // namespace

void large_batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                        const float* importance, KernelShape shape, LargeKernelScratch& scratch,
                        double* grad_weights, double* grad_bias, double* loss_sum) {
  static const Kernel chosen = widest_kernel();
  chosen(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
}

std::vector<std::string> large_kernel_variants() {
  std::vector<std::string> names;
  for (const Variant& v : variants())
    if (v.supported) names.push_back(v.name);
  return names;
}

void large_batch_kernel_variant(const std::string& name, const float* weights, const float* bias, bool relu,
                                const float* x_columns, const float* importance, KernelShape shape,
                                LargeKernelScratch& scratch, double* grad_weights, double* grad_bias,
                                double* loss_sum) {
  for (const Variant& v : variants())
    if (v.supported && name == v.name)
      return v.kernel(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
  throw std::invalid_argument("large_batch_kernel_variant: '" + name + "' is not available on this CPU");
}

}  // namespace superpos
