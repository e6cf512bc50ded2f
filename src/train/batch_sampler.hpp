// Draws one training batch exactly as the article's loop does:
//   inputs = torch.randn(batch, features); mask = torch.rand((batch, features)) > sparsity
#pragma once

#include <cstdint>
#include <vector>

#include "model/toy_model.hpp"
#include "random/torch_generator.hpp"
#include "simd/lanes.hpp"

namespace superpos {

// Buffers reused from batch to batch: the normals and the uniforms in the stream's (row-major) order.
struct BatchScratch {
  simd::AlignedVector<float> normals;
  simd::AlignedVector<float> uniforms;
};

// Fills `inputs` (already batch x features) from the generator.
void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, BatchScratch& scratch);

// 32-bit draws one batch consumes.
std::uint64_t batch_draws(long batch, long features);

}  // namespace superpos
