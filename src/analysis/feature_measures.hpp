// Measures of what a model does with each feature, beyond the row norms the article reads:
// - feature dimensionality D_i = ||W_i||^2 / sum_j (Ŵ_i · W_j)^2 (Elhage et al.): the share of a
//   hidden dimension feature i has to itself (1 alone, 1/2 in an antipodal pair, 2/5 in a
//   pentagon, ~0 when it is a short row on another feature's line);
// - superposition sum_{j != i} (Ŵ_i · W_j)^2: how much of the others lies along feature i;
// - on a large held-out sample from the training distribution: the expected loss with its Monte
//   Carlo error, and each feature's explained energy 1 - E[(x_i - x̂_i)^2] / E[x_i^2].
//   For the computation model (task = absolute_value) the target |x_i| stands in for x_i.
// All are invariant under flipping the sign of a row, as the model's loss is for inputs symmetric
// about zero.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "model/toy_model.hpp"
#include "train/trainer.hpp"

namespace superpos {

struct FeatureMeasures {
  Eigen::VectorXd dimensionality;  // D_i, 0 for a zero row
  Eigen::VectorXd superposition;   // sum over j != i of (Ŵ_i · W_j)^2
};

FeatureMeasures feature_measures(const Weights& weights);

// The fixed seed of the held-out sample: independent of every training stream (seeds 0-15 and 42).
inline constexpr std::uint64_t kHeldOutSeed = 20220914;

struct HeldOutEvaluation {
  std::uint64_t samples = 0;
  std::uint64_t seed = kHeldOutSeed;
  // w_i below is the run's loss weight (loss_weights: importance_i, over the number of features
  // when the loss averages over them).
  double expected_loss = 0.0;        // mean over samples of sum_i w_i (x̂_i - x_i)^2
  double expected_loss_error = 0.0;  // its standard error (sample standard deviation / sqrt(samples))
  double input_energy = 0.0;         // mean of sum_i w_i x_i^2: the loss of predicting 0
  Eigen::VectorXd explained_energy;  // per feature: 1 - E[(x_i - x̂_i)^2] / E[x_i^2]
};

// Samples for a model of this shape: 2^20 for the article's models, fewer for large ones (the cost
// grows with features x hidden), never under 2^14.
std::uint64_t held_out_samples(const TrainSettings& settings);

// The model on `samples` fresh inputs drawn as in training (sparsity, input distribution) from
// TorchGenerator(seed).
HeldOutEvaluation evaluate_held_out(const ToyModel& model, const TrainSettings& settings, std::uint64_t samples,
                                    std::uint64_t seed = kHeldOutSeed);

}  // namespace superpos
