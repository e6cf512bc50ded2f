#include "model/toy_model.hpp"

#include <cmath>
#include <vector>

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

float activate(Activation activation, float z) {
  return activation == Activation::relu ? (z > 0.0f ? z : 0.0f) : z;
}

}  // namespace

Batch reconstruct(const ToyModel& model, const Batch& inputs) {
  // Each sample in the model's own order of operations, so that the values equal those the loss sees.
  Batch output(inputs.rows(), inputs.cols());
  const Eigen::Index features = model.weights.rows();
  const Eigen::Index hidden_dims = model.weights.cols();
  std::vector<float> hidden(static_cast<std::size_t>(hidden_dims));
  for (Eigen::Index b = 0; b < inputs.rows(); ++b) {
    for (Eigen::Index k = 0; k < hidden_dims; ++k) {
      float sum = 0.0f;
      for (Eigen::Index i = 0; i < features; ++i) sum += inputs(b, i) * model.weights(i, k);
      hidden[static_cast<std::size_t>(k)] = sum;
    }
    for (Eigen::Index i = 0; i < features; ++i) {
      float sum = 0.0f;
      for (Eigen::Index k = 0; k < hidden_dims; ++k) sum += hidden[static_cast<std::size_t>(k)] * model.weights(i, k);
      output(b, i) = activate(model.activation, sum + model.bias[i]);
    }
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
