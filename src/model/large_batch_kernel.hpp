// The training step's arithmetic for larger models (the Anthropic paper's 20 x 5 to 400 x 40):
// five products of a batch-long matrix with W, written as register-blocked loops over whole
// columns of the batch, and, where most inputs are zero (sparsity), the two products that read
// the input done over its nonzeros only. Sums are reordered against the per-sample formulation
// (batch_kernel.cpp), which is what PyTorch does at these sizes too: results agree with it to
// float rounding, not bit for bit. The article's 5 x 2 shape never comes here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/batch_kernel.hpp"

namespace superpos {

// Each feature's nonzero entries of a batch-long matrix, as (sample, value) pairs from start[i] on;
// start[features] ends the last.
struct NonzeroLists {
  std::vector<std::uint32_t> start;
  std::vector<std::uint32_t> sample;
  std::vector<float> value;
};

// Buffers of large_batch_kernel, sized on first use and reused: no allocation after the first step.
struct LargeKernelScratch {
  simd::AlignedVector<float> x_padded;     // the input, when the batch is not a multiple of 8
  simd::AlignedVector<float> hidden;       // h = x W, a column per hidden unit
  simd::AlignedVector<float> grad_output;  // z = h W^T, then d loss / d z, a column per feature
  simd::AlignedVector<float> grad_hidden;  // d loss / d h = grad_z W, a column per hidden unit
  simd::AlignedVector<float> rows;         // h or d loss / d h sample by sample, padded to 16s (sparse input)
  simd::AlignedVector<float> padded;       // W, rows padded like `rows` (sparse input or grad_z)
  simd::AlignedVector<float> padded_grad;  // d loss / d W, rows padded like `rows` (sparse input or grad_z)
  simd::AlignedVector<float> weights_t;    // W^T, hidden x features
  simd::AlignedVector<float> grad_w;       // d loss / d W, features x hidden
  simd::AlignedVector<float> grad_rows;    // d loss / d h sample by sample, padded like `rows` (sparse grad_z)
  NonzeroLists input_lists;  // the input's nonzeros, feature by feature (sparse input)
  NonzeroLists grad_lists;   // d loss / d z's nonzeros likewise (sparse grad_z)
  // Counts over every call, for the bench's "where the time goes": the entries of the input and of
  // d loss / d z, and how many of each were nonzero (the share the sparse products skip).
  std::uint64_t entries = 0, input_nonzeros = 0, grad_nonzeros = 0;
};

// From this many weights (features x hidden) on, training uses large_batch_kernel.
inline constexpr std::size_t kLargeKernelFromWeights = 64;

// Same contract as batch_kernel (batch_kernel.hpp). Runs the widest variant this CPU has (AVX-512,
// AVX2, or baseline x86-64); all three give bit-identical results.
void large_batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                        const float* importance, KernelShape shape, LargeKernelScratch& scratch,
                        double* grad_weights, double* grad_bias, double* loss_sum);

// The variants this CPU can run, widest first ("avx512", "avx2", "baseline"), and one of them by
// name: for the test that they agree bit for bit.
std::vector<std::string> large_kernel_variants();
void large_batch_kernel_variant(const std::string& name, const float* weights, const float* bias, bool relu,
                                const float* x_columns, const float* importance, KernelShape shape,
                                LargeKernelScratch& scratch, double* grad_weights, double* grad_bias,
                                double* loss_sum);

}  // namespace superpos
