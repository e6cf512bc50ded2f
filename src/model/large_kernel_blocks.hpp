// The dense building blocks of large_batch_kernel.cpp, included by it alone (hence the unnamed
// namespace): register-blocked products of a batch-long matrix with W, and the loss with
// d loss / d z. Templates over the vector type, so that the AVX-512, AVX2 and baseline variants
// are one source; every sum has an order fixed by the algorithm, not by the vector width, so the
// variants agree bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <type_traits>

#include "simd/lanes.hpp"
// The AVX-512 and AVX2 variants, chosen at run time; not under AddressSanitizer (as
// SUPERPOS_SIMD_CLONES), which then checks the baseline variant. Each variant is its own
// translation unit compiled for its instruction set (large_kernel_avx512.cpp, ...), so that the
// intrinsics below are available to these always-inlined templates.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SUPERPOS_X86_VARIANTS 1
#include <immintrin.h>
#else
#define SUPERPOS_X86_VARIANTS 0
#endif

namespace superpos {
namespace {

using simd::f8;
using simd::f16;

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
template <typename V>
[[gnu::always_inline]] inline V splat(float value) {
  return value - V{};  // a broadcast: x - (+0) is x for every x, where x + 0 would turn -0 into +0
}

// a * b + c, rounded once. Every product and dot product here is a chain of these: one
// instruction where the CPU has FMA (twice the throughput of a multiply and an add, which is what
// the dense products are bound by), and std::fma lane by lane in the baseline build, which rounds
// the same: the variants stay bit-identical. -ffp-contract=off elsewhere keeps the compiler from
// fusing anything on its own.
template <typename V>
[[gnu::always_inline]] inline V fmadd(V a, V b, V c) {
#if defined(__AVX512F__)
  if constexpr (sizeof(V) == 64) return reinterpret_cast<V>(_mm512_fmadd_ps(reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b), reinterpret_cast<__m512>(c)));
#endif
#if defined(__FMA__)
  if constexpr (sizeof(V) == 32) return reinterpret_cast<V>(_mm256_fmadd_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b), reinterpret_cast<__m256>(c)));
#endif
  V r;
  for (std::size_t lane = 0; lane < sizeof(V) / sizeof(float); ++lane) r[lane] = std::fma(a[lane], b[lane], c[lane]);
  return r;
}

// Columns are padded to whole groups of this many samples. The sums over samples (column_dots)
// keep one partial sum per sample position in a group, whatever the vector width, so that the
// AVX-512, AVX2 and baseline builds add the same numbers in the same order: bit-identical results
// on any x86-64 machine.
constexpr std::size_t kGroup = 16;

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
    #pragma GCC unroll 32
    for (std::size_t v = 0; v < NV; ++v) column[v] = load<V>(a + k * ld + at + v * lanes);
    const float* scalars = s + k * j_count + j0;
    #pragma GCC unroll 32
    for (std::size_t j = 0; j < NJ; ++j)
      #pragma GCC unroll 32
      for (std::size_t v = 0; v < NV; ++v) acc[v][j] = fmadd(column[v], splat<V>(scalars[j]), acc[v][j]);
  }
  #pragma GCC unroll 32
  for (std::size_t j = 0; j < NJ; ++j)
    #pragma GCC unroll 32
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

// The sum of a group's kGroup partial sums as a fixed tree: position p with p + 8, then with p + 4,
// p + 2 and p + 1. Four levels of independent additions instead of a chain of fifteen (a quarter
// of column_dots' time was that chain), in one order for every vector width.
[[gnu::always_inline]] inline float sum_of_group(float (&p)[kGroup]) {
  static_assert(kGroup == 16);
  #pragma GCC unroll 16
  for (std::size_t half = kGroup / 2; half >= 1; half /= 2)
    #pragma GCC unroll 16
    for (std::size_t l = 0; l < half; ++l) p[l] = p[l] + p[l + half];
  return p[0];
}

// out[i][k] += sum over samples of A[:, i] . C[:, k] for a block of NI x NK outputs. Sample b
// goes to partial sum b mod kGroup; the kGroup partials are added at the end by sum_of_group.
template <typename V, std::size_t NI, std::size_t NK>
[[gnu::always_inline]] inline void column_dots_block(const float* a, const float* c, std::size_t ld,
                                                     std::size_t k_count, float* out, std::size_t i0,
                                                     std::size_t k0) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float), parts = kGroup / lanes;
  V acc[parts][NI][NK] = {};
  for (std::size_t b = 0; b < ld; b += kGroup) {
    #pragma GCC unroll 32
    for (std::size_t part = 0; part < parts; ++part) {
      V left[NI], right[NK];
      #pragma GCC unroll 32
      for (std::size_t i = 0; i < NI; ++i) left[i] = load<V>(a + (i0 + i) * ld + b + part * lanes);
      #pragma GCC unroll 32
      for (std::size_t k = 0; k < NK; ++k) right[k] = load<V>(c + (k0 + k) * ld + b + part * lanes);
      #pragma GCC unroll 32
      for (std::size_t i = 0; i < NI; ++i)
        #pragma GCC unroll 32
        for (std::size_t k = 0; k < NK; ++k) acc[part][i][k] = fmadd(left[i], right[k], acc[part][i][k]);
    }
  }
  #pragma GCC unroll 32
  for (std::size_t i = 0; i < NI; ++i)
    #pragma GCC unroll 32
    for (std::size_t k = 0; k < NK; ++k) {
      float partial[kGroup];
      #pragma GCC unroll 32
      for (std::size_t part = 0; part < parts; ++part)
        #pragma GCC unroll 32
        for (std::size_t lane = 0; lane < lanes; ++lane) partial[part * lanes + lane] = acc[part][i][k][lane];
      out[(i0 + i) * k_count + k0 + k] += sum_of_group(partial);
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
    #pragma GCC unroll 32
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
      #pragma GCC unroll 32
      for (std::size_t part = 0; part < parts; ++part)
        output_gradient_vector<V, false>(g, xi, b + part * lanes, batch, bias[i], scale, relu, squares[part],
                                         sums[part]);
    if (whole < ld)
      #pragma GCC unroll 32
      for (std::size_t part = 0; part < parts; ++part)
        output_gradient_vector<V, true>(g, xi, whole + part * lanes, batch, bias[i], scale, relu, squares[part],
                                        sums[part]);
    double column = 0.0, bias_sum = 0.0;
    #pragma GCC unroll 32
    for (std::size_t part = 0; part < parts; ++part)
      #pragma GCC unroll 32
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        column += squares[part][lane];
        bias_sum += sums[part][lane];
      }
    loss += importance[i] * column;
    grad_bias[i] = bias_sum;
  }
  return loss;
}

}  // namespace
}  // namespace superpos
