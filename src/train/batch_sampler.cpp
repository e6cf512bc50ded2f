#include "train/batch_sampler.hpp"

#include <cstring>
#include <span>
#include <type_traits>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

// Samples [0, returned) of row-major `rows` as column-major `columns`, `block` samples at a time:
// gather one feature's values over the block and store them as one vector.
template <std::size_t block>
[[gnu::always_inline]] inline std::size_t transpose_blocks(const float* rows, std::size_t batch, std::size_t features,
                                                           float* columns) {
  using f16 = float __attribute__((vector_size(64)));
  using V = std::conditional_t<block == 16, f16, simd::f8>;
  static_assert(sizeof(V) == block * sizeof(float));
  std::size_t b = 0;
  for (; b + block <= batch; b += block) {
    const float* first = rows + b * features;
    for (std::size_t i = 0; i < features; ++i) {
      V column;
      for (std::size_t j = 0; j < block; ++j) column[j] = first[j * features + i];
      std::memcpy(columns + i * batch + b, &column, sizeof column);
    }
  }
  return b;
}

// inputs = normals * (uniforms > threshold), then one contiguous column per feature. The mask is a
// multiplication by 0 or 1, as in torch (so -x * 0 stays -0), computed without branches.
SUPERPOS_SIMD_CLONES_AVX512
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
  // Whole cache lines at a time (16 samples) where there are many features: the columns lie
  // 4 KiB apart (1,024 samples), so they share a few cache sets, and storing half lines (8
  // samples) wrote each line twice, evicted in between; at 400 features this loop took longer than
  // the normal draws. With a few features the lines stay cached and 8 samples measured faster
  // (5 x 2: 0.135 s against 0.142 s a run). Storing scalars stalled on 4K aliasing.
  std::size_t b = 0;
  if (features >= 16)
    b = transpose_blocks<16>(normals, batch, features, columns);
  else
    b = transpose_blocks<8>(normals, batch, features, columns);
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
