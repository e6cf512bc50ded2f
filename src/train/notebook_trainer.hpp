// Training as Elhage et al.'s notebook (toy_models.ipynb) does, for the paper's chapters (#16):
// several instances side by side from ONE random stream. Per step it draws the values
// torch.rand(batch, instances, features), then the mask torch.rand(...) <= p (p per instance),
// and keeps a value where the mask holds. W is one (instances, features, hidden) tensor initialised
// by xavier_normal_, whose fans PyTorch takes from all three dimensions (fan_in = features x hidden,
// fan_out = instances x hidden). The loss of an instance is the importance-weighted squared error
// averaged over batch AND features; the instances' losses are summed; AdamW at a constant lr.
// Where the article's trainer (trainer.hpp) differs: its inputs are normal, its mask is
// rand > sparsity, its loss sums over features, its lr follows a cosine, and it trains one model.
#pragma once

#include <cstdint>
#include <vector>

#include "model/toy_model.hpp"

namespace superpos {

struct NotebookSettings {
  int features = 5;
  int hidden = 2;
  Activation activation = Activation::relu;  // the notebook's model always applies the ReLU
  std::vector<float> feature_probability;   // one per instance: P(feature present) = 1 - S
  std::vector<float> importance;             // one per feature
  long steps = 10000;
  long batch = 1024;
  double lr = 1e-3;
  double weight_decay = 0.01;  // torch.optim.AdamW's default, which the notebook keeps
  std::uint64_t seed = 0;
};

struct NotebookResult {
  std::vector<ToyModel> instances;  // one per feature_probability, in order
  std::vector<double> final_loss;   // each instance's loss on the last step's batch
  std::uint64_t draws_used = 0;     // 32-bit draws taken from the stream
};

// The notebook's sweep of feature probabilities: 20^-linspace(0, 1, n), computed in float32 as
// torch does (linspace, then pow), so that the mask compares the same float.
std::vector<float> notebook_feature_probabilities(int instances, double base = 20.0);

// Trains every instance; throws DivergenceError (trainer.hpp) when a loss or weight stops being
// finite, and std::invalid_argument for settings out of range.
NotebookResult train_notebook(const NotebookSettings& settings);

}  // namespace superpos
