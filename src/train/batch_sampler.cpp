#include "train/batch_sampler.hpp"

#include <span>

namespace superpos {

void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, std::vector<float>& mask_scratch) {
  const auto count = static_cast<std::size_t>(inputs.size());
  generator.fill_normal(std::span<float>(inputs.data(), count));
  mask_scratch.resize(count);
  generator.fill_uniform(mask_scratch);
  // torch compares a float tensor with a Python float in float32: the threshold is rounded first.
  const auto threshold = static_cast<float>(sparsity);
  float* values = inputs.data();
  for (std::size_t k = 0; k < count; ++k) values[k] = values[k] * (mask_scratch[k] > threshold ? 1.0f : 0.0f);
}

std::uint64_t batch_draws(long batch, long features) {
  const auto count = static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(features);
  return normal_draws(count) + count;
}

}  // namespace superpos
