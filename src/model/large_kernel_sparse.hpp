// The sparse building blocks of large_batch_kernel.cpp, included by it alone (hence the unnamed
// namespace): lists of a column's nonzeros, and the products that go over them alone, with a
// sample's whole row in registers. As in large_kernel_blocks.hpp, every sum has an order that does
// not depend on the vector width.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/large_kernel_blocks.hpp"

namespace superpos {
namespace {

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

#if SUPERPOS_X86_VARIANTS && defined(__AVX512F__)
// The same lists sixteen entries at a time: AVX-512 packs the nonzero lanes of a vector together
// (vcompressps), a fifth of the scalar loop's time at 400 x 40. Only in the AVX-512 variant's
// translation unit (large_kernel_avx512.cpp).
inline void nonzero_lists_avx512(const float* x, std::size_t ld,
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
#endif

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
  #pragma GCC unroll 32
  for (std::size_t v = 0; v < nv; ++v) w[v] = load<V>(w_row + v * lanes);
  for (std::uint32_t n = list.begin; n < list.end; ++n) {
    float* row = rows + std::size_t{list.sample[n]} * stride;
    const float value = list.value[n];
    #pragma GCC unroll 32
    for (std::size_t v = 0; v < nv; ++v) store<V>(row + v * lanes, fmadd(splat<V>(value), w[v], load<V>(row + v * lanes)));
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
    #pragma GCC unroll 32
    for (std::size_t c = 0; c < chains; ++c) {
      const float* row = rows + std::size_t{list.sample[n + c]} * stride;
      const float value = list.value[n + c];
      #pragma GCC unroll 32
      for (std::size_t v = 0; v < nv; ++v) acc[c][v] = fmadd(splat<V>(value), load<V>(row + v * lanes), acc[c][v]);
    }
  for (std::size_t c = 0; n < list.end; ++n, ++c) {
    const float* row = rows + std::size_t{list.sample[n]} * stride;
    const float value = list.value[n];
    #pragma GCC unroll 32
    for (std::size_t v = 0; v < nv; ++v) acc[c][v] = fmadd(splat<V>(value), load<V>(row + v * lanes), acc[c][v]);
  }
  #pragma GCC unroll 32
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

}  // namespace
}  // namespace superpos
