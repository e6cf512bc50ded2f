// The training step's arithmetic over a whole batch: forward pass, loss and gradients, eight samples
// at a time. Separate from toy_model.cpp because it is written for speed (vector types, one pass,
// no allocation) while keeping, sample by sample, the float operations of the plain formulation.
#pragma once

#include <cstddef>
#include <vector>

#include "simd/lanes.hpp"

namespace superpos {

struct KernelShape {
  std::size_t batch;
  std::size_t features;
  std::size_t hidden;
};

// Buffers for batch_kernel, sized on first use and reused.
struct KernelScratch {
  simd::AlignedVector<float> blocks;     // per group of 64 samples: x, grad z, h, grad h
  simd::AlignedVector<double> partials;  // 8-lane double partial sums of every gradient and the loss
};

// x_columns holds each feature's values over the batch contiguously (column-major batch x features);
// weights is row-major features x hidden. Writes sum over the batch of d loss_b / d W (features x
// hidden, row-major) and of d loss_b / d bias, each already divided by the batch size as the mean
// loss requires, and the sum of the per-sample losses (not divided).
void batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                  const float* importance, KernelShape shape, KernelScratch& scratch, double* grad_weights,
                  double* grad_bias, double* loss_sum);

}  // namespace superpos
