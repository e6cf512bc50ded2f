// Draws one training batch exactly as the article's loop does:
//   inputs = torch.randn(batch, features); mask = torch.rand((batch, features)) > sparsity
#pragma once

#include <cstdint>

#include "model/toy_model.hpp"
#include "random/torch_generator.hpp"

namespace superpos {

// Fills `inputs` (already batch x features) from the generator.
void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, std::vector<float>& mask_scratch);

// 32-bit draws one batch consumes.
std::uint64_t batch_draws(long batch, long features);

}  // namespace superpos
