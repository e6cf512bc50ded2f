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
#include <string>
#include <vector>

#include "model/toy_model.hpp"
#include "random/torch_generator.hpp"
#include "train/trainer.hpp"

namespace superpos {

// How the features of a shared-stream sweep co-occur (Elhage et al.'s section on correlated and
// anticorrelated features, as a faithful public reimplementation of their experiment draws them):
// independent, each on its own coin; correlated pairs (features 2k and 2k + 1 present together, on
// one coin with the instance's probability p); or anticorrelated pairs (a pair is present with
// probability 2p, and then exactly one of its two features, each with probability 1/2).
enum class FeaturePairs { independent, correlated, anticorrelated };
std::string to_string(FeaturePairs pairs);

struct NotebookSettings {
  // The model, the optimizer and the stream: features, hidden, activation (the notebook's model
  // applies the ReLU), importance_decay, steps, batch, lr, weight_decay, seed, stream_offset,
  // log_every, schedule and feature_loss (the notebook's: constant and mean). input and sparsity
  // are not read: the values are uniform, and each instance has its own presence probability.
  TrainSettings train;
  std::vector<float> presence;  // one per instance: P(a feature is present) = 1 - S, as a float32
  FeaturePairs pairs = FeaturePairs::independent;
  // Threads for this one sweep: the instances of a step and the next step's draws are shared out
  // among them. The result is the same for any count.
  unsigned threads = 1;
};

struct NotebookResult {
  std::vector<ToyModel> instances;             // one per presence probability, in order
  std::vector<std::vector<LossRecord>> losses;  // each instance's loss every log_every steps and at the last
  std::uint64_t draws_used = 0;                 // 32-bit draws taken from the stream, after stream_offset
  double loop_seconds = 0.0;
};

// One step's inputs as (batch, instances, features), drawn as the sampler does in PyTorch:
// independent features, torch.rand values then torch.rand <= p; correlated pairs, the values, then
// one rand per pair; anticorrelated pairs, the values, one rand per pair (<= 2p), one more per pair
// (<= 1/2: the first feature is the one present).
class NotebookSampler {
 public:
  explicit NotebookSampler(const NotebookSettings& settings);
  void draw(TorchGenerator& generator, std::vector<float>& out);  // out: batch x instances x features
  // The 32-bit draws one step takes (a count from the settings alone: nothing is allocated).
  static std::uint64_t draws_per_step(const NotebookSettings& settings);

 private:
  FeaturePairs pairs_;
  std::size_t instances_, features_, batch_;
  std::vector<float> presence_;
  std::vector<float> threshold_;  // one row's p_k, each repeated `features` times
  std::vector<float> scratch_, values_, first_;
};

// The 32-bit draws a run takes: the init, then per step the values and the mask.
std::uint64_t notebook_draws(const NotebookSettings& settings);

// The notebook's sweep of presence probabilities base^-linspace(first, last, n) (there 20, 0, 1),
// computed in float32 as torch does (linspace, then pow), so that the mask compares the same float.
std::vector<float> sweep_presence(double base, double first, double last, int n);

// Trains every instance; throws DivergenceError (trainer.hpp) when a loss or weight stops being
// finite, and std::invalid_argument for settings out of range.
NotebookResult train_notebook(const NotebookSettings& settings);

}  // namespace superpos
