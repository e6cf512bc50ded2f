#include "train/batch_sampler.hpp"

#include <algorithm>
#include <cstring>
#include <span>
#include <type_traits>

#include "simd/lanes.hpp"
#include "simd/transpose16.hpp"

namespace superpos {
namespace {

using simd::f16;

// Samples [0, returned) of the row-major draws as column-major, masked. With 16 or more features,
// tiles of 16 samples x 16 features: 16 row loads, the mask, a transpose in registers, 16 column
// stores of one whole cache line each (the columns lie 4 KiB apart and share cache sets: storing
// half lines wrote each line twice, evicted in between). Past the last whole tile, one more tile
// ends at the last feature: it writes a few columns a second time, with the same values, where
// gathering those features one by one took a quarter of the pass at 200 features. Fewer than 16
// features gather one feature's values over 8 samples instead.
template <std::size_t block>
[[gnu::always_inline]] inline std::size_t mask_and_transpose_blocks(const float* normals, const float* uniforms,
                                                                    float threshold, std::size_t batch,
                                                                    std::size_t features, float* columns,
                                                                    std::size_t stride) {
  using V = std::conditional_t<block == 16, f16, simd::f8>;
  static_assert(sizeof(V) == block * sizeof(float));
  const V one = V{} + 1.0f, zero = {};
  const std::size_t tiled = block == 16 ? features : 0;
  std::size_t b = 0;
  for (; b + block <= batch; b += block) {
    const float* values = normals + b * features;
    const float* draws = uniforms + b * features;
    if constexpr (block == 16) {
      for (std::size_t next = 0; next < tiled; next += 16) {
        const std::size_t i0 = std::min(next, features - 16);
        f16 r[16];
        for (std::size_t j = 0; j < 16; ++j) {
          f16 value, uniform;
          std::memcpy(&value, values + j * features + i0, sizeof value);
          std::memcpy(&uniform, draws + j * features + i0, sizeof uniform);
          r[j] = value * (uniform > threshold ? one : zero);
        }
        simd::transpose16(r);
        for (std::size_t i = 0; i < 16; ++i) std::memcpy(columns + (i0 + i) * stride + b, &r[i], sizeof r[i]);
      }
    }
    for (std::size_t i = tiled; i < features; ++i) {
      V value, uniform;
      for (std::size_t j = 0; j < block; ++j) {
        value[j] = values[j * features + i];
        uniform[j] = draws[j * features + i];
      }
      const V masked = value * (uniform > threshold ? one : zero);
      std::memcpy(columns + i * stride + b, &masked, sizeof masked);
    }
  }
  return b;
}

// inputs = normals * (uniforms > threshold) for `batch` samples, feature i's values at
// columns + i * stride. The mask is a multiplication by 0 or 1, as in torch (so -x * 0 stays -0),
// computed without branches. Masking in the same pass as the transpose saves a pass over both
// draws. With a few features the lines stay cached and blocks of 8 samples measured faster (5 x 2:
// 0.135 s against 0.142 s a run); storing scalars stalled on 4K aliasing.
SUPERPOS_SIMD_CLONES_AVX512
void mask_and_transpose(const float* normals, const float* uniforms, float threshold, std::size_t batch,
                        std::size_t features, float* columns, std::size_t stride) {
  std::size_t b = features >= 16
                      ? mask_and_transpose_blocks<16>(normals, uniforms, threshold, batch, features, columns, stride)
                      : mask_and_transpose_blocks<8>(normals, uniforms, threshold, batch, features, columns, stride);
  for (; b < batch; ++b)
    for (std::size_t i = 0; i < features; ++i)
      columns[i * stride + b] = normals[b * features + i] * (uniforms[b * features + i] > threshold ? 1.0f : 0.0f);
}

// Samples per chunk of mask draws: the mask's uniforms are drawn a chunk at a time into a buffer
// that stays in the first-level cache and masked straight into the columns, instead of all
// batch x features of them going out to memory and back (at 1,024 x 200 the values, the uniforms
// and the columns together overflowed a 2 MiB L2: the pass took 60% of the batch's time).
// A chunk is a whole number of 16-sample tiles holding about 4,096 draws (16 KiB).
std::size_t mask_chunk_rows(std::size_t batch, std::size_t features) {
  const std::size_t rows = std::max<std::size_t>(16, 4096 / features / 16 * 16);
  return std::min(batch, rows);
}

}  // namespace

void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, BatchScratch& scratch,
                InputDistribution distribution) {
  const auto batch = static_cast<std::size_t>(inputs.rows());
  const auto features = static_cast<std::size_t>(inputs.cols());
  const std::size_t count = batch * features;
  scratch.normals.resize(count);
  // torch fills both (batch, features) tensors row by row: sample b's feature i is draw b*N + i.
  if (distribution == InputDistribution::uniform) generator.fill_uniform(scratch.normals);
  else generator.fill_normal(scratch.normals);
  // torch compares a float tensor with a Python float in float32: the threshold is rounded first.
  const auto threshold = static_cast<float>(sparsity);
  // The mask's draws follow all the values in the stream; drawn chunk by chunk, in stream order.
  const std::size_t chunk = mask_chunk_rows(batch, features);
  scratch.uniforms.resize(chunk * features);
  for (std::size_t b0 = 0; b0 < batch; b0 += chunk) {
    const std::size_t rows = std::min(chunk, batch - b0);
    std::span<float> draws(scratch.uniforms.data(), rows * features);
    generator.fill_uniform(draws);
    mask_and_transpose(scratch.normals.data() + b0 * features, draws.data(), threshold, rows, features,
                       inputs.data() + b0, batch);
  }
}

std::uint64_t batch_draws(long batch, long features, InputDistribution distribution) {
  const auto count = static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(features);
  return (distribution == InputDistribution::uniform ? count : normal_draws(count)) + count;
}

}  // namespace superpos
