// A 16 x 16 block of floats transposed in registers: sixteen vectors of sixteen lanes, r[i][j]
// becoming r[j][i]. Four stages swap the off-diagonal blocks of 8, 4, 2 and 1 lanes between rows i
// and i + k; each swap is two two-source shuffles (one vpermt2ps each on AVX-512, pairs of AVX2
// shuffles elsewhere). Pure data movement: the same bits in every build.
#pragma once

#include <cstddef>

#include "simd/lanes.hpp"

namespace superpos::simd {

template <std::size_t k>
[[gnu::always_inline]] inline void swap_blocks(f16 (&r)[16]) {
  constexpr i16 low = {0 & k ? 16 + 0 - k : 0, 1 & k ? 16 + 1 - k : 1, 2 & k ? 16 + 2 - k : 2,
                       3 & k ? 16 + 3 - k : 3, 4 & k ? 16 + 4 - k : 4, 5 & k ? 16 + 5 - k : 5,
                       6 & k ? 16 + 6 - k : 6, 7 & k ? 16 + 7 - k : 7, 8 & k ? 16 + 8 - k : 8,
                       9 & k ? 16 + 9 - k : 9, 10 & k ? 16 + 10 - k : 10, 11 & k ? 16 + 11 - k : 11,
                       12 & k ? 16 + 12 - k : 12, 13 & k ? 16 + 13 - k : 13, 14 & k ? 16 + 14 - k : 14,
                       15 & k ? 16 + 15 - k : 15};
  constexpr i16 high = {0 & k ? 16 + 0 : 0 + k, 1 & k ? 16 + 1 : 1 + k, 2 & k ? 16 + 2 : 2 + k,
                        3 & k ? 16 + 3 : 3 + k, 4 & k ? 16 + 4 : 4 + k, 5 & k ? 16 + 5 : 5 + k,
                        6 & k ? 16 + 6 : 6 + k, 7 & k ? 16 + 7 : 7 + k, 8 & k ? 16 + 8 : 8 + k,
                        9 & k ? 16 + 9 : 9 + k, 10 & k ? 16 + 10 : 10 + k, 11 & k ? 16 + 11 : 11 + k,
                        12 & k ? 16 + 12 : 12 + k, 13 & k ? 16 + 13 : 13 + k, 14 & k ? 16 + 14 : 14 + k,
                        15 & k ? 16 + 15 : 15 + k};
  for (std::size_t i = 0; i < 16; ++i) {
    if (i & k) continue;
    const f16 a = r[i], b = r[i + k];
    r[i] = __builtin_shuffle(a, b, low);
    r[i + k] = __builtin_shuffle(a, b, high);
  }
}

[[gnu::always_inline]] inline void transpose16(f16 (&r)[16]) {
  swap_blocks<8>(r);
  swap_blocks<4>(r);
  swap_blocks<2>(r);
  swap_blocks<1>(r);
}

}  // namespace superpos::simd
