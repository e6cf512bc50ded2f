#include "train/batch_sampler.hpp"

#include <cstring>
#include <span>
#include <type_traits>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

// Samples [0, returned) of the row-major draws as column-major, masked `block` samples at a time:
// gather one feature's values and uniforms over the block, mask, store as one vector.
template <std::size_t block>
[[gnu::always_inline]] inline std::size_t mask_and_transpose_blocks(const float* normals, const float* uniforms,
                                                                    float threshold, std::size_t batch,
                                                                    std::size_t features, float* columns) {
  using f16 = float __attribute__((vector_size(64)));
  using V = std::conditional_t<block == 16, f16, simd::f8>;
  static_assert(sizeof(V) == block * sizeof(float));
  const V one = V{} + 1.0f, zero = {};
  std::size_t b = 0;
  for (; b + block <= batch; b += block) {
    const float* values = normals + b * features;
    const float* draws = uniforms + b * features;
    for (std::size_t i = 0; i < features; ++i) {
      V value, uniform;
      for (std::size_t j = 0; j < block; ++j) {
        value[j] = values[j * features + i];
        uniform[j] = draws[j * features + i];
      }
      const V masked = value * (uniform > threshold ? one : zero);
      std::memcpy(columns + i * batch + b, &masked, sizeof masked);
    }
  }
  return b;
}

// inputs = normals * (uniforms > threshold), as one contiguous column per feature. The mask is a
// multiplication by 0 or 1, as in torch (so -x * 0 stays -0), computed without branches.
//
// Whole cache lines at a time (16 samples) where there are many features: the columns lie
// 4 KiB apart (1,024 samples), so they share a few cache sets, and storing half lines (8
// samples) wrote each line twice, evicted in between; at 400 features this loop took longer than
// the normal draws. With a few features the lines stay cached and 8 samples measured faster
// (5 x 2: 0.135 s against 0.142 s a run). Storing scalars stalled on 4K aliasing. Masking in the
// same pass saves one pass over both draws.
SUPERPOS_SIMD_CLONES_AVX512
void mask_and_transpose(const float* normals, const float* uniforms, float threshold, std::size_t batch,
                        std::size_t features, float* columns) {
  std::size_t b = features >= 16
                      ? mask_and_transpose_blocks<16>(normals, uniforms, threshold, batch, features, columns)
                      : mask_and_transpose_blocks<8>(normals, uniforms, threshold, batch, features, columns);
  for (; b < batch; ++b)
    for (std::size_t i = 0; i < features; ++i)
      columns[i * batch + b] = normals[b * features + i] * (uniforms[b * features + i] > threshold ? 1.0f : 0.0f);
}

}  // namespace

void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, BatchScratch& scratch,
                InputDistribution distribution) {
  const auto batch = static_cast<std::size_t>(inputs.rows());
  const auto features = static_cast<std::size_t>(inputs.cols());
  const std::size_t count = batch * features;
  scratch.normals.resize(count);
  scratch.uniforms.resize(count);
  // torch fills both (batch, features) tensors row by row: sample b's feature i is draw b*N + i.
  if (distribution == InputDistribution::uniform) generator.fill_uniform(scratch.normals);
  else generator.fill_normal(scratch.normals);
  generator.fill_uniform(scratch.uniforms);
  // torch compares a float tensor with a Python float in float32: the threshold is rounded first.
  const auto threshold = static_cast<float>(sparsity);
  mask_and_transpose(scratch.normals.data(), scratch.uniforms.data(), threshold, batch, features, inputs.data());
}

std::uint64_t batch_draws(long batch, long features, InputDistribution distribution) {
  const auto count = static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(features);
  return (distribution == InputDistribution::uniform ? count : normal_draws(count)) + count;
}

}  // namespace superpos
