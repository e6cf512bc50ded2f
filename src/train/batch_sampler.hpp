// Draws one training batch exactly as the article's loop does:
//   inputs = torch.randn(batch, features); mask = torch.rand((batch, features)) > sparsity
// or, with uniform inputs, torch.rand(batch, features) in place of torch.randn.
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

// The distribution of a feature's value when present: the article's torch.randn, or torch.rand
// (uniform on [0, 1)) as Elhage et al. use.
enum class InputDistribution { normal, uniform };

// Fills `inputs` (already batch x features) from the generator: the values, then the mask.
void draw_batch(TorchGenerator& generator, double sparsity, Batch& inputs, BatchScratch& scratch,
                InputDistribution distribution = InputDistribution::normal);

// 32-bit draws one batch consumes.
std::uint64_t batch_draws(long batch, long features, InputDistribution distribution = InputDistribution::normal);

}  // namespace superpos
