// The article's toy autoencoder: x_hat = act(x W W^T + b), its weighted loss and hand-written
// gradients. Everything is float32, like the PyTorch model it reproduces.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "model/batch_kernel.hpp"
#include "model/large_batch_kernel.hpp"

namespace superpos {

enum class Activation { linear, relu };
std::string to_string(Activation activation);

// Row-major so that row i (feature i's direction) is contiguous, as in torch's (N, H) tensor.
using Weights = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Inputs, one sample per row (batch x features). Column-major, so that each feature's values over
// the batch are contiguous: the training kernel works on whole columns, which vectorises.
using Batch = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

struct ToyModel {
  Weights weights;      // features x hidden
  Eigen::VectorXf bias;  // features
  Activation activation = Activation::linear;
  // Empty for the autoencoder, whose read-out is W itself. The computation-in-superposition model
  // (model/computation_model.hpp) reads out through its own W2, features x hidden (neurons), and
  // `weights` is then its W1 transposed: row i is feature i's weight into each neuron.
  Weights output_weights;
};

// Loss value and the gradients of the loss with respect to W and b, for one batch.
struct Gradients {
  Weights weights;
  Eigen::VectorXf bias;
  Weights output_weights;  // the computation model's W2 only
  double loss = 0.0;
};

// importance_i = decay^i, computed in float as torch's `decay ** torch.arange(n)` does.
Eigen::VectorXf feature_importance(int features, double decay);

// x_hat for every row of `inputs` (for the computation model: its estimate of |x|).
Batch reconstruct(const ToyModel& model, const Batch& inputs);

// Buffers the gradient computation reuses from one step to the next (no allocation per step).
struct GradientWorkspace {
  KernelScratch kernel;
  LargeKernelScratch large;
  std::vector<double> sums;  // batch sums: grad W (features x hidden), then grad b
};

// loss = mean over rows of sum_i importance_i (x_hat_i - x_i)^2, with its exact gradients. The
// per-sample arithmetic is float, in the order the article's model performs it; sums over the
// batch are accumulated in double.
void loss_and_gradients(const ToyModel& model, const Batch& inputs, const Eigen::VectorXf& importance,
                        GradientWorkspace& workspace, Gradients& out);
Gradients loss_and_gradients(const ToyModel& model, const Batch& inputs,
                             const Eigen::VectorXf& importance);

}  // namespace superpos
