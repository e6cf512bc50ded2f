#include "train/batch_sampler.hpp"

#include <span>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

// inputs = normals * (uniforms > threshold), then one contiguous column per feature. The mask is a
// multiplication by 0 or 1, as in torch (so -x * 0 stays -0), computed without branches.
SUPERPOS_SIMD_CLONES
void mask_and_transpose(float* normals, const float* uniforms, float threshold, std::size_t batch,
                        std::size_t features, float* columns) {
  using simd::f8;
  using simd::i8;
  const std::size_t count = batch * features;
  const f8 one = f8{} + 1.0f;
  const f8 zero = {};
  std::size_t k = 0;
  for (; k + simd::kFloatLanes <= count; k += simd::kFloatLanes) {
    const i8 keep = simd::load8(uniforms + k) > threshold;
    simd::store8(normals + k, simd::load8(normals + k) * (keep ? one : zero));
  }
  for (; k < count; ++k) normals[k] = normals[k] * (uniforms[k] > threshold ? 1.0f : 0.0f);
  // Eight samples at a time: gather one feature's eight values, store them as one vector. Storing
  // scalars to five columns 4 KiB apart instead stalled on 4K aliasing.
  std::size_t b = 0;
  for (; b + simd::kFloatLanes <= batch; b += simd::kFloatLanes) {
    const float* rows = normals + b * features;
    for (std::size_t i = 0; i < features; ++i) {
      f8 column;
      for (std::size_t j = 0; j < simd::kFloatLanes; ++j) column[j] = rows[j * features + i];
      simd::store8(columns + i * batch + b, column);
    }
  }
  for (; b < batch; ++b)
    for (std::size_t i = 0; i < features; ++i) columns[i * batch + b] = normals[b * features + i];
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
