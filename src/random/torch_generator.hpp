// The random stream of PyTorch's CPU generator (at::CPUGeneratorImpl), reproduced draw for draw:
// MT19937 seeded by torch.manual_seed, and the transforms behind torch.rand, torch.randn and
// Tensor.normal_. With it, superpos starts from exactly the numbers the article's code drew.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "random/cephes_float.hpp"

namespace superpos {

class TorchGenerator {
 public:
  explicit TorchGenerator(std::uint64_t seed);

  // One 32-bit MT19937 output: CPUGeneratorImpl::random().
  std::uint32_t next_u32() {
    if (index_ == kStateSize) twist();
    ++draws_;
    return temper(state_[index_++]);
  }
  // CPUGeneratorImpl::random64(): two draws, the first in the high half.
  std::uint64_t next_u64();
  // Skips draws without tempering them; used to start a run mid-stream (stream_offset).
  void discard(std::uint64_t draws);
  // Number of 32-bit draws taken since seeding: the stream position.
  std::uint64_t draws() const { return draws_; }

  // uniform_real_distribution<float>(0, 1): 24 random bits scaled by 2^-24.
  float uniform_float() { return uniform_from_bits(next_u32()); }
  // uniform_real_distribution<double>(0, 1): 53 random bits of random64() scaled by 2^-53.
  double uniform_double();
  // normal_distribution<double>: Box-Muller in double; the second value of each pair is cached in
  // the generator and returned by the next call, as PyTorch does.
  double normal_double();

  // torch.rand on a contiguous float tensor.
  void fill_uniform(std::span<float> out);
  // Tensor.normal_(mean, std) on a contiguous float tensor (torch.randn when mean 0, std 1).
  void fill_normal(std::span<float> out, double mean = 0.0, double stddev = 1.0,
                   FmaContraction fma_mode = FmaContraction::compiled);

 private:
  static constexpr int kStateSize = 624;
  // The low 24 bits of a 32-bit draw scaled to [0, 1). Through int32 so that the conversion
  // vectorises (the 24-bit value is the same either way).
  static float uniform_from_bits(std::uint32_t bits) {
    return static_cast<float>(static_cast<std::int32_t>(bits & 0xFFFFFFu)) * 0x1.0p-24f;
  }
  static std::uint32_t temper(std::uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  void twist();
  void fill_normal_blocks(std::span<float> out, float mean, float stddev, FmaContraction fma_mode);

  alignas(64) std::array<std::uint32_t, kStateSize> state_{};  // whole cache lines for the vector twist
  int index_ = kStateSize;
  std::uint64_t draws_ = 0;
  std::optional<double> cached_normal_;
};

// The Box-Muller step of normal_fill_16_AVX2 on one block of 16 uniforms, in place: pairs (j, j+8).
void normal_fill_16(float* block, float mean, float stddev, FmaContraction fma_mode);

// Number of 32-bit draws that torch.randn (or normal_) of `count` floats consumes.
std::uint64_t normal_draws(std::uint64_t count);

}  // namespace superpos
