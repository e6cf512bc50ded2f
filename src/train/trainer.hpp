// Trains one toy model as the article's notebook does: Xavier-normal W and zero bias drawn from the
// PyTorch stream, then `steps` AdamW updates on fresh batches under a cosine learning-rate schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/toy_model.hpp"
#include "train/batch_sampler.hpp"

namespace superpos {

// The learning rate over the run: the article's cosine from lr down to 0, or Elhage et al.'s
// notebook's constant lr.
enum class LrSchedule { cosine, constant };
// How a sample's loss combines its features' importance-weighted squared errors: the article sums
// them, Elhage et al.'s notebook averages them (the same minimiser, a gradient 1/features as large).
enum class FeatureLoss { sum, mean };

// What the model learns: the article's and the paper's autoencoder reconstructs its input through
// x W W^T; Elhage et al.'s computation-in-superposition model computes |x| through a hidden layer
// of ReLU neurons with untied weights (train/computation_trainer.hpp).
enum class Task { reconstruct, absolute_value };
std::string to_string(Task task);

struct TrainSettings {
  int features = 5;
  int hidden = 2;
  Activation activation = Activation::linear;
  InputDistribution input = InputDistribution::normal;
  double sparsity = 0.0;
  double importance_decay = 0.9;
  long steps = 10000;
  long batch = 1024;
  double lr = 1e-3;
  double weight_decay = 0.01;
  std::uint64_t seed = 42;
  std::uint64_t stream_offset = 0;  // 32-bit draws skipped after seeding, before the Xavier init
  long log_every = 100;
  LrSchedule schedule = LrSchedule::cosine;
  FeatureLoss feature_loss = FeatureLoss::sum;
  // Record W after every this many steps (and at 0 and the last step): the learning dynamics. 0: none.
  long snapshot_every = 0;
  Task task = Task::reconstruct;
};

// W after `step` optimizer steps.
struct WeightSnapshot {
  long step = 0;
  Weights weights;
};

std::string to_string(LrSchedule schedule);
std::string to_string(FeatureLoss feature_loss);

// Each feature's weight in the loss: importance_decay^i, divided by the number of features when
// the loss averages over them.
Eigen::VectorXf loss_weights(const TrainSettings& settings);

struct LossRecord {
  long step;    // 0-based optimizer step
  double loss;  // loss of that step's batch, before its update
  double lr;    // learning rate that step used
};

struct TrainResult {
  ToyModel model;
  std::vector<LossRecord> loss_log;
  std::uint64_t draws_used = 0;  // 32-bit draws this run took, from its stream offset
  std::vector<WeightSnapshot> snapshots;  // with snapshot_every: W at 0, every snapshot_every steps, and at the end
  double wall_seconds = 0.0;  // the whole call: seeding, skipping to stream_offset, init, loop
  double loop_seconds = 0.0;  // the training loop alone, as the PyTorch reference times itself
  // With the large kernel (large_batch_kernel.hpp), the share of the input's entries and of
  // d loss / d z's that were nonzero over the run; NaN with the small kernel, which does not count.
  double input_nonzero_share = std::numeric_limits<double>::quiet_NaN();
  double grad_nonzero_share = std::numeric_limits<double>::quiet_NaN();
};

// Thrown when the loss or a parameter stops being finite.
class DivergenceError : public std::runtime_error {
 public:
  DivergenceError(long step, double last_finite_loss);
  long step;
  double last_finite_loss;
};

// Called every `log_every` steps and at the last step.
using ProgressCallback = std::function<void(const LossRecord&)>;

// W ~ xavier_normal_ (std = sqrt(2 / (features + hidden))), drawn as torch.nn.init does.
Weights xavier_normal(int features, int hidden, class TorchGenerator& generator);

// From this many weights (features x hidden) on, a run with 2 or more threads draws its batches a
// step ahead on a second thread: only where a step is long enough to hide a batch's drawing.
// Measured on 2 cores, 1,000 steps, one thread against two: 5 x 2 1.6x slower (0.157 s -> 0.246 s
// over 10,000 steps), 20 x 5 0.051 -> 0.058 s, 40 x 10 and 60 x 10 no change, 100 x 10
// 0.30 -> 0.28, 50 x 20 0.19 -> 0.157, 100 x 20 0.36 -> 0.29, 400 x 40 1.75 -> 1.15.
inline constexpr std::size_t kDrawAheadFromWeights = 1000;

// `threads` 2 or more: from kDrawAheadFromWeights on, the batches are drawn on a second thread,
// one step ahead (the same run, bit for bit).
TrainResult train(const TrainSettings& settings, const ProgressCallback& progress = {}, unsigned threads = 1);

// Bytes of the buffers train() allocates for these settings: the batch (features x batch floats)
// three times over (inputs, normals, uniforms) plus per-parameter state; what a run needs in RAM.
std::uint64_t training_buffer_bytes(const TrainSettings& settings);

// 32-bit draws a whole run takes: where the next run in the notebook's stream starts.
std::uint64_t run_draws(const TrainSettings& settings);

}  // namespace superpos
