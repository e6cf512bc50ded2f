#include "random/torch_generator.hpp"

#include <cmath>
#include <numbers>

#include "random/cephes_constants.hpp"
#include "random/normal_fill_avx2.hpp"
#include "simd/lanes.hpp"

namespace superpos {

TorchGenerator::TorchGenerator(std::uint64_t seed) {
  // at::mt19937 keeps only the low 32 bits of the seed and then seeds like std::mt19937.
  state_[0] = static_cast<std::uint32_t>(seed & 0xffffffffu);
  for (int i = 1; i < kStateSize; ++i) {
    const std::uint32_t prev = state_[i - 1];
    state_[i] = 1812433253u * (prev ^ (prev >> 30)) + static_cast<std::uint32_t>(i);
  }
}

namespace {

constexpr int kShift = 397;

inline std::uint32_t twist_one(std::uint32_t current, std::uint32_t next, std::uint32_t far) {
  constexpr std::uint32_t kMatrixA = 0x9908b0dfu;
  const std::uint32_t y = (current & 0x80000000u) | (next & 0x7fffffffu);
  return far ^ (y >> 1) ^ ((0u - (y & 1u)) & kMatrixA);
}

}  // namespace

SUPERPOS_SIMD_CLONES_AVX512
void TorchGenerator::twist() {
  // The usual recurrence, split where (i + 397) wraps so that each loop has no modulo and a fixed
  // dependence distance (397 ahead, then 227 behind): the compiler vectorises both.
  std::uint32_t* s = state_.data();
  constexpr int kSplit = kStateSize - kShift;
  for (int i = 0; i < kSplit; ++i) s[i] = twist_one(s[i], s[i + 1], s[i + kShift]);
  for (int i = kSplit; i < kStateSize - 1; ++i) s[i] = twist_one(s[i], s[i + 1], s[i - kSplit]);
  s[kStateSize - 1] = twist_one(s[kStateSize - 1], s[0], s[kShift - 1]);
  index_ = 0;
}

std::uint64_t TorchGenerator::next_u64() {
  const std::uint64_t high = next_u32();
  const std::uint64_t low = next_u32();
  return (high << 32) | low;
}

void TorchGenerator::discard(std::uint64_t draws) {
  while (draws > 0) {
    if (index_ == kStateSize) twist();
    const auto available = static_cast<std::uint64_t>(kStateSize - index_);
    const std::uint64_t taken = draws < available ? draws : available;
    index_ += static_cast<int>(taken);
    draws_ += taken;
    draws -= taken;
  }
}

double TorchGenerator::uniform_double() {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 53) - 1;
  return static_cast<double>(next_u64() & kMask) * 0x1.0p-53;
}

double TorchGenerator::normal_double() {
  if (cached_normal_) {
    const double cached = *cached_normal_;
    cached_normal_.reset();
    return cached;
  }
  const double u1 = uniform_double();
  const double u2 = uniform_double();
  const double radius = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * std::numbers::pi * u1;
  cached_normal_ = radius * std::sin(theta);
  return radius * std::cos(theta);
}

SUPERPOS_SIMD_CLONES_AVX512
void TorchGenerator::fill_uniform(std::span<float> out) {
  // Whole runs of the state at a time: tempering and scaling are independent per word, so this
  // loop vectorises, where one uniform_float() call per value cannot.
  float* destination = out.data();
  std::size_t remaining = out.size();
  while (remaining > 0) {
    if (index_ == kStateSize) twist();
    const auto available = static_cast<std::size_t>(kStateSize - index_);
    const std::size_t taken = remaining < available ? remaining : available;
    const std::uint32_t* source = state_.data() + index_;
    for (std::size_t k = 0; k < taken; ++k)
      destination[k] = uniform_from_bits(temper(source[k]));
    destination += taken;
    remaining -= taken;
    index_ += static_cast<int>(taken);
    draws_ += taken;
  }
}

void normal_fill_16(float* block, float mean, float stddev, FmaContraction fma_mode) {
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - block[j];
    const float u2 = block[j + 8];
    const float radius = std::sqrt(-2.0f * cephes_log(u1, fma_mode));
    const SinCos trig = cephes_sincos(cephes::kTwoPi * u2, fma_mode);
    block[j] = std::fma(radius * trig.cos, stddev, mean);
    block[j + 8] = std::fma(radius * trig.sin, stddev, mean);
  }
}

void TorchGenerator::fill_normal_blocks(std::span<float> out, float mean, float stddev,
                                        FmaContraction fma_mode) {
  // normal_fill_AVX2: every uniform is drawn first, then transformed 16 at a time. A size that is
  // not a multiple of 16 redraws the last 16 uniforms and transforms them again.
  // The vector form is used only for the compiled rounding, whose bits it reproduces exactly.
  const bool vector = fma_mode == FmaContraction::compiled && cpu_has_avx2_fma();
  auto transform = [&](float* first, std::size_t blocks) {
    if (vector) {
      normal_fill_16_avx2(first, blocks, mean, stddev);
      return;
    }
    for (std::size_t b = 0; b < blocks; ++b) normal_fill_16(first + 16 * b, mean, stddev, fma_mode);
  };
  fill_uniform(out);
  const std::size_t size = out.size();
  transform(out.data(), size / 16);
  if (size % 16 != 0) {
    std::span<float> tail = out.subspan(size - 16);
    fill_uniform(tail);
    transform(tail.data(), 1);
  }
}

void TorchGenerator::fill_normal(std::span<float> out, double mean, double stddev,
                                 FmaContraction fma_mode) {
  if (out.size() >= 16) {
    fill_normal_blocks(out, static_cast<float>(mean), static_cast<float>(stddev), fma_mode);
    return;
  }
  // Small tensors take the element-wise double path and are rounded to float at the end.
  for (float& value : out) value = static_cast<float>(normal_double() * stddev + mean);
}

std::uint64_t normal_draws(std::uint64_t count) {
  if (count >= 16) return count + (count % 16 != 0 ? 16 : 0);
  // The double path draws two doubles (four 32-bit words) per pair of normals; the cache means an
  // odd count leaves one value for the next call, which superpos never relies on.
  return 4 * ((count + 1) / 2);
}

}  // namespace superpos
