#include "model/toy_model.hpp"

#include "model/computation_model.hpp"

#include <cmath>
#include <vector>

#include "simd/lanes.hpp"

namespace superpos {

std::string to_string(Activation activation) {
  return activation == Activation::relu ? "relu" : "linear";
}

Eigen::VectorXf feature_importance(int features, double decay) {
  Eigen::VectorXf importance(features);
  const auto base = static_cast<float>(decay);
  for (int i = 0; i < features; ++i) importance[i] = std::pow(base, static_cast<float>(i));
  return importance;
}

namespace {

// reconstruct on samples [b0, b0 + 8): the per-sample arithmetic of the scalar formulation
// (h_k = sum over i in order of x_i W_ik, starting from 0; then out_i = act(sum over k of h_k W_ik
// + b_i)), eight samples per vector. Each lane does exactly the scalar sequence of roundings (no
// fused multiply-adds: -ffp-contract=off), so the outputs are those the loss sees, bit for bit.
[[gnu::always_inline]] inline void reconstruct_block(const ToyModel& model, const float* x, Eigen::Index ld,
                                                     float* hidden, float* out) {
  const Eigen::Index features = model.weights.rows(), hidden_dims = model.weights.cols();
  const bool relu = model.activation == Activation::relu;
  for (Eigen::Index k = 0; k < hidden_dims; ++k) {
    simd::f8 sum = {};
    for (Eigen::Index i = 0; i < features; ++i) sum += simd::load8(x + i * ld) * model.weights(i, k);
    simd::store8(hidden + 8 * k, sum);
  }
  for (Eigen::Index i = 0; i < features; ++i) {
    simd::f8 sum = {};
    for (Eigen::Index k = 0; k < hidden_dims; ++k) sum += simd::load8(hidden + 8 * k) * model.weights(i, k);
    sum = sum + model.bias[i];
    if (relu) sum = sum > 0.0f ? sum : simd::f8{};
    simd::store8(out + i * ld, sum);
  }
}

}  // namespace

// Eight samples at a time (a held-out evaluation reconstructs up to 2^20 of them: per sample it
// took a third of relu_09's whole process). Samples past the last whole eight go through a
// zero-padded copy.
SUPERPOS_SIMD_CLONES
Batch reconstruct(const ToyModel& model, const Batch& inputs) {
  if (model.output_weights.size() > 0) return compute_absolute(model, inputs);
  const Eigen::Index rows = inputs.rows(), features = inputs.cols();
  Batch output(rows, features);
  std::vector<float> hidden(static_cast<std::size_t>(8 * model.weights.cols()));
  const Eigen::Index whole = rows / 8 * 8;
  for (Eigen::Index b = 0; b < whole; b += 8)
    reconstruct_block(model, inputs.data() + b, rows, hidden.data(), output.data() + b);
  if (whole < rows) {
    std::vector<float> x(static_cast<std::size_t>(8 * features), 0.0f), out(x.size());
    for (Eigen::Index i = 0; i < features; ++i)
      for (Eigen::Index b = whole; b < rows; ++b) x[static_cast<std::size_t>(i * 8 + b - whole)] = inputs(b, i);
    reconstruct_block(model, x.data(), 8, hidden.data(), out.data());
    for (Eigen::Index i = 0; i < features; ++i)
      for (Eigen::Index b = whole; b < rows; ++b) output(b, i) = out[static_cast<std::size_t>(i * 8 + b - whole)];
  }
  return output;
}

void loss_and_gradients(const ToyModel& model, const Batch& inputs, const Eigen::VectorXf& importance,
                        GradientWorkspace& workspace, Gradients& out) {
  const auto batch = static_cast<std::size_t>(inputs.rows());
  const auto features = static_cast<std::size_t>(model.weights.rows());
  const auto hidden_dims = static_cast<std::size_t>(model.weights.cols());
  workspace.sums.resize(features * hidden_dims + features);
  double* grad_weights = workspace.sums.data();
  double* grad_bias = grad_weights + features * hidden_dims;
  double loss_sum = 0.0;
  const bool relu = model.activation == Activation::relu;
  if (features * hidden_dims >= kLargeKernelFromWeights)
    large_batch_kernel(model.weights.data(), model.bias.data(), relu, inputs.data(), importance.data(),
                       {batch, features, hidden_dims}, workspace.large, grad_weights, grad_bias, &loss_sum);
  else
    batch_kernel(model.weights.data(), model.bias.data(), relu, inputs.data(), importance.data(),
                 {batch, features, hidden_dims}, workspace.kernel, grad_weights, grad_bias, &loss_sum);
  out.weights.resize(model.weights.rows(), model.weights.cols());
  out.bias.resize(model.bias.size());
  for (std::size_t k = 0; k < features * hidden_dims; ++k) out.weights.data()[k] = static_cast<float>(grad_weights[k]);
  for (std::size_t i = 0; i < features; ++i) out.bias[static_cast<Eigen::Index>(i)] = static_cast<float>(grad_bias[i]);
  out.loss = loss_sum / static_cast<double>(batch);
}

Gradients loss_and_gradients(const ToyModel& model, const Batch& inputs,
                             const Eigen::VectorXf& importance) {
  GradientWorkspace workspace;
  Gradients gradients;
  loss_and_gradients(model, inputs, importance, workspace, gradients);
  return gradients;
}

}  // namespace superpos
