// The AVX2 + FMA form of normal_fill_16, chosen at run time when the CPU supports it.
#pragma once

#include <cstddef>

namespace superpos {

// True when the CPU runs AVX2 and FMA instructions.
bool cpu_has_avx2_fma();

// normal_fill_16 (compiled FMA rounding) on `blocks` consecutive blocks of 16 floats, in place.
// Call only when cpu_has_avx2_fma().
void normal_fill_16_avx2(float* first_block, std::size_t blocks, float mean, float stddev);

}  // namespace superpos
