// Training Elhage et al.'s computation-in-superposition model (model/computation_model.hpp) as the
// public reimplementation of their experiment does (ARENA's NeuronComputationModel): several
// instances side by side from ONE random stream. Per step it draws the mask torch.rand(batch,
// instances, features) <= p first, then the values torch.rand(...) * 2 - 1, and multiplies them.
// W1 (instances, neurons, features) and then W2 (instances, features, neurons) start from
// kaiming_uniform_, whose fan_in PyTorch takes as size(1) x size(2) = neurons x features for both;
// b starts at zero. The loss is the notebook's (constant lr, importance-weighted squared error
// averaged over batch and features, summed over instances); the optimizer is AdamW with the run's
// weight_decay (0 gives that reimplementation's Adam exactly).
#pragma once

#include <cstdint>
#include <vector>

#include "random/torch_generator.hpp"
#include "train/notebook_trainer.hpp"

namespace superpos {

// W1^T, W2 and b of every instance as the reimplementation initialises them, from `generator`.
std::vector<ToyModel> initial_computation_models(const NotebookSettings& settings, class TorchGenerator& generator);

// One step's inputs as (batch, instances, features): the mask's draws, then the values', and
// x = (mask <= p_k) * (2 u - 1).
class ComputationSampler {
 public:
  explicit ComputationSampler(const NotebookSettings& settings);
  void draw(TorchGenerator& generator, std::vector<float>& out);  // out: batch x instances x features

 private:
  std::vector<float> threshold_;  // one row's p_k, each repeated `features` times
  std::vector<float> mask_;
};

// The 32-bit draws a run takes: W1 and W2, then per step the mask and the values.
std::uint64_t computation_draws(const NotebookSettings& settings);

// Trains every instance (threads share out each step's instances); the ToyModels hold W1^T as
// weights and W2 as output_weights. Throws DivergenceError when a loss or weight stops being
// finite, std::invalid_argument for settings out of range.
NotebookResult train_computation(const NotebookSettings& settings);

}  // namespace superpos
