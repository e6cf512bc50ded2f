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

// z = (x W) W^T + b for one sample; `hidden` receives x W.
void pre_activation(const ToyModel& model, const float* x, float* hidden, float* z) {
  const Eigen::Index features = model.weights.rows();
  const Eigen::Index hidden_dims = model.weights.cols();
  for (Eigen::Index k = 0; k < hidden_dims; ++k) {
    float sum = 0.0f;
    for (Eigen::Index i = 0; i < features; ++i) sum += x[i] * model.weights(i, k);
    hidden[k] = sum;
  }
  for (Eigen::Index i = 0; i < features; ++i) {
    float sum = 0.0f;
    for (Eigen::Index k = 0; k < hidden_dims; ++k) sum += hidden[k] * model.weights(i, k);
    z[i] = sum + model.bias[i];
  }
}

float activate(Activation activation, float z) {
  return activation == Activation::relu ? (z > 0.0f ? z : 0.0f) : z;
}

}  // namespace

Batch reconstruct(const ToyModel& model, const Batch& inputs) {
  Batch output(inputs.rows(), inputs.cols());
  std::vector<float> hidden(static_cast<std::size_t>(model.weights.cols()));
  for (Eigen::Index b = 0; b < inputs.rows(); ++b) {
    pre_activation(model, inputs.row(b).data(), hidden.data(), output.row(b).data());
    for (Eigen::Index i = 0; i < inputs.cols(); ++i) output(b, i) = activate(model.activation, output(b, i));
  }
  return output;
}

Gradients loss_and_gradients(const ToyModel& model, const Batch& inputs,
                             const Eigen::VectorXf& importance) {
  const Eigen::Index batch = inputs.rows();
  const Eigen::Index features = model.weights.rows();
  const Eigen::Index hidden_dims = model.weights.cols();
  Eigen::MatrixXd grad_weights = Eigen::MatrixXd::Zero(features, hidden_dims);
  Eigen::VectorXd grad_bias = Eigen::VectorXd::Zero(features);
  double loss_sum = 0.0;

  std::vector<float> hidden(static_cast<std::size_t>(hidden_dims));
  std::vector<float> grad_hidden(static_cast<std::size_t>(hidden_dims));
  std::vector<float> z(static_cast<std::size_t>(features));
  std::vector<float> grad_z(static_cast<std::size_t>(features));
  // d loss / d x_hat_i = 2 importance_i (x_hat_i - x_i) / batch; 1/batch is exact for powers of 2.
  const float inv_batch = 1.0f / static_cast<float>(batch);

  for (Eigen::Index b = 0; b < batch; ++b) {
    const float* x = inputs.row(b).data();
    pre_activation(model, x, hidden.data(), z.data());
    float sample_loss = 0.0f;
    for (Eigen::Index i = 0; i < features; ++i) {
      const float error = activate(model.activation, z[i]) - x[i];
      sample_loss += importance[i] * (error * error);
      // ReLU passes gradient only where its output is positive, as torch's threshold_backward.
      const bool passes = model.activation == Activation::linear || z[i] > 0.0f;
      grad_z[i] = passes ? (inv_batch * importance[i]) * (2.0f * error) : 0.0f;
    }
    loss_sum += sample_loss;
    for (Eigen::Index k = 0; k < hidden_dims; ++k) grad_hidden[k] = 0.0f;
    for (Eigen::Index i = 0; i < features; ++i) {
      grad_bias[i] += grad_z[i];
      for (Eigen::Index k = 0; k < hidden_dims; ++k) {
        // W appears twice: in the decoder (z = h W^T) and in the encoder (h = x W).
        grad_weights(i, k) += static_cast<double>(grad_z[i]) * hidden[k];
        grad_hidden[k] += grad_z[i] * model.weights(i, k);
      }
    }
    for (Eigen::Index i = 0; i < features; ++i)
      for (Eigen::Index k = 0; k < hidden_dims; ++k)
        grad_weights(i, k) += static_cast<double>(x[i]) * grad_hidden[k];
  }
  Gradients gradients;
  gradients.weights = grad_weights.cast<float>();
  gradients.bias = grad_bias.cast<float>();
  gradients.loss = loss_sum / static_cast<double>(batch);
  return gradients;
}

}  // namespace superpos
