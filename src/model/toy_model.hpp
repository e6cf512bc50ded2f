// The article's toy autoencoder: x_hat = act(x W W^T + b), its weighted loss and hand-written
// gradients. Everything is float32, like the PyTorch model it reproduces.
#pragma once

#include <Eigen/Core>
#include <string>

namespace superpos {

enum class Activation { linear, relu };
std::string to_string(Activation activation);

// Row-major so that row i (feature i's direction) is contiguous, as in torch's (N, H) tensor.
using Weights = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Inputs, one sample per row (batch x features), laid out as torch.randn(batch, features) fills it.
using Batch = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct ToyModel {
  Weights weights;      // features x hidden
  Eigen::VectorXf bias;  // features
  Activation activation = Activation::linear;
};

// Loss value and the gradients of the loss with respect to W and b, for one batch.
struct Gradients {
  Weights weights;
  Eigen::VectorXf bias;
  double loss = 0.0;
};

// importance_i = decay^i, computed in float as torch's `decay ** torch.arange(n)` does.
Eigen::VectorXf feature_importance(int features, double decay);

// x_hat for every row of `inputs`.
Batch reconstruct(const ToyModel& model, const Batch& inputs);

// loss = mean over rows of sum_i importance_i (x_hat_i - x_i)^2, with its exact gradients. The
// per-sample arithmetic is float; sums over the batch are accumulated in double.
Gradients loss_and_gradients(const ToyModel& model, const Batch& inputs,
                             const Eigen::VectorXf& importance);

}  // namespace superpos
