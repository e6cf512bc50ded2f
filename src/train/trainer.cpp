#include "train/trainer.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cmath>
#include <fmt/format.h>
#include <span>

#include "random/torch_generator.hpp"
#include "train/adamw.hpp"
#include "train/batch_sampler.hpp"
#include "train/cosine_schedule.hpp"

namespace superpos {

DivergenceError::DivergenceError(long step_, double last_finite_loss_)
    : std::runtime_error(fmt::format(
          "training diverged at step {}: the loss or a parameter is no longer finite (last finite "
          "loss {:.6g}); try a lower lr",
          step_, last_finite_loss_)),
      step(step_),
      last_finite_loss(last_finite_loss_) {}

Weights xavier_normal(int features, int hidden, TorchGenerator& generator) {
  // torch: fan_in = size(1) = hidden, fan_out = size(0) = features, gain 1.
  const double stddev = std::sqrt(2.0 / static_cast<double>(features + hidden));
  Weights weights(features, hidden);
  generator.fill_normal(std::span<float>(weights.data(), static_cast<std::size_t>(weights.size())), 0.0, stddev);
  return weights;
}

std::string to_string(LrSchedule schedule) { return schedule == LrSchedule::constant ? "constant" : "cosine"; }
std::string to_string(FeatureLoss feature_loss) { return feature_loss == FeatureLoss::mean ? "mean" : "sum"; }
std::string to_string(Task task) { return task == Task::absolute_value ? "absolute_value" : "reconstruct"; }

Eigen::VectorXf loss_weights(const TrainSettings& settings) {
  Eigen::VectorXf weights = feature_importance(settings.features, settings.importance_decay);
  if (settings.feature_loss == FeatureLoss::mean) weights /= static_cast<float>(settings.features);
  return weights;
}

std::uint64_t run_draws(const TrainSettings& settings) {
  const auto init = normal_draws(static_cast<std::uint64_t>(settings.features) * settings.hidden);
  return init + static_cast<std::uint64_t>(settings.steps) * batch_draws(settings.batch, settings.features, settings.input);
}

namespace {

bool all_finite(const ToyModel& model) {
  return model.weights.allFinite() && model.bias.allFinite();
}

}  // namespace

// The batches of a run, drawn in order from one generator. On one thread each is drawn when asked
// for. On two, a second thread draws batch t + 1 (into the other of two buffers) while the model
// takes its step on batch t: the same draws in the same order, so the same run, in about the time
// of the slower of the two.
class BatchSource {
 public:
  BatchSource(const TrainSettings& settings, TorchGenerator& generator, bool ahead)
      : settings_(settings), generator_(generator) {
    for (Batch& b : buffers_) b.resize(settings.batch, settings.features);
    if (ahead) drawer_ = std::jthread([this](std::stop_token stop) { draw_ahead(stop); });
  }
  ~BatchSource() {
    if (drawer_.joinable()) {
      drawer_.request_stop();
      {
        std::lock_guard lock(mutex_);
      }
      changed_.notify_all();
    }
  }

  // The batch of `step`; valid until done(step).
  const Batch& get(long step) {
    if (!drawer_.joinable()) {
      draw_batch(generator_, settings_.sparsity, buffers_[0], scratch_, settings_.input);
      return buffers_[0];
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return drawn_ >= step; });
    return buffers_[step % 2];
  }
  void done(long step) {
    if (!drawer_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      used_ = step;
    }
    changed_.notify_all();
  }
  // Draws taken from the stream by the batches of steps 0..steps-1 (the drawer has finished).
  void finish() {
    if (drawer_.joinable()) drawer_.join();
  }

 private:
  void draw_ahead(std::stop_token stop) {
    for (long step = 0; step < settings_.steps; ++step) {
      {
        std::unique_lock lock(mutex_);
        // Buffer step % 2 is free once the step two before has been used.
        changed_.wait(lock, [&] { return used_ >= step - 2 || stop.stop_requested(); });
        if (stop.stop_requested()) return;
      }
      draw_batch(generator_, settings_.sparsity, buffers_[step % 2], scratch_, settings_.input);
      {
        std::lock_guard lock(mutex_);
        drawn_ = step;
      }
      changed_.notify_all();
    }
  }

  const TrainSettings& settings_;
  TorchGenerator& generator_;
  Batch buffers_[2];
  BatchScratch scratch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  long drawn_ = -1, used_ = -1;
  std::jthread drawer_;  // last: started after, and stopped before, everything it uses
};

TrainResult train(const TrainSettings& settings, const ProgressCallback& progress, unsigned threads) {
  const auto started = std::chrono::steady_clock::now();
  TorchGenerator generator(settings.seed);
  generator.discard(settings.stream_offset);

  TrainResult result;
  ToyModel& model = result.model;
  model.activation = settings.activation;
  model.weights = xavier_normal(settings.features, settings.hidden, generator);
  model.bias = Eigen::VectorXf::Zero(settings.features);
  const Eigen::VectorXf importance = loss_weights(settings);

  AdamW optimizer;
  optimizer.weight_decay = settings.weight_decay;
  AdamWMoments weight_moments(static_cast<std::size_t>(model.weights.size()));
  AdamWMoments bias_moments(static_cast<std::size_t>(model.bias.size()));
  CosineSchedule schedule(settings.lr, settings.steps);

  const bool draw_ahead = threads >= 2 && settings.steps > 1 &&
                          static_cast<std::size_t>(settings.features) * settings.hidden >= kDrawAheadFromWeights;
  BatchSource batches(settings, generator, draw_ahead);
  GradientWorkspace workspace;
  Gradients gradients;
  double last_finite_loss = std::nan("");
  const auto loop_started = std::chrono::steady_clock::now();
  if (settings.snapshot_every > 0) result.snapshots.push_back({0, model.weights});
  for (long step = 0; step < settings.steps; ++step) {
    loss_and_gradients(model, batches.get(step), importance, workspace, gradients);
    batches.done(step);
    if (!std::isfinite(gradients.loss)) throw DivergenceError(step, last_finite_loss);
    last_finite_loss = gradients.loss;

    const double lr = settings.schedule == LrSchedule::constant ? settings.lr : schedule.lr();
    const long t = step + 1;
    optimizer.step(std::span<float>(model.weights.data(), static_cast<std::size_t>(model.weights.size())),
                   std::span<const float>(gradients.weights.data(), static_cast<std::size_t>(gradients.weights.size())),
                   weight_moments, t, lr);
    optimizer.step(std::span<float>(model.bias.data(), static_cast<std::size_t>(model.bias.size())),
                   std::span<const float>(gradients.bias.data(), static_cast<std::size_t>(gradients.bias.size())),
                   bias_moments, t, lr);
    schedule.step();
    if (!all_finite(model)) throw DivergenceError(step, last_finite_loss);

    if (step % settings.log_every == 0 || step == settings.steps - 1) {
      result.loss_log.push_back({step, gradients.loss, lr});
      if (progress) progress(result.loss_log.back());
    }
    if (settings.snapshot_every > 0 && (t % settings.snapshot_every == 0 || t == settings.steps))
      result.snapshots.push_back({t, model.weights});
  }
  batches.finish();
  if (workspace.large.entries > 0) {
    result.input_nonzero_share = static_cast<double>(workspace.large.input_nonzeros) / static_cast<double>(workspace.large.entries);
    result.grad_nonzero_share = static_cast<double>(workspace.large.grad_nonzeros) / static_cast<double>(workspace.large.entries);
  }
  result.draws_used = generator.draws() - settings.stream_offset;
  const auto finished = std::chrono::steady_clock::now();
  result.wall_seconds = std::chrono::duration<double>(finished - started).count();
  result.loop_seconds = std::chrono::duration<double>(finished - loop_started).count();
  return result;
}

}  // namespace superpos

namespace superpos {

std::uint64_t training_buffer_bytes(const TrainSettings& settings) {
  const auto batch = static_cast<std::uint64_t>(settings.batch);
  const auto features = static_cast<std::uint64_t>(settings.features);
  const auto parameters = features * static_cast<std::uint64_t>(settings.hidden) + features;
  const std::uint64_t batch_buffers = 3 * batch * features * sizeof(float);
  const std::uint64_t kernel_blocks = 64 * (2 * features + 2 * static_cast<std::uint64_t>(settings.hidden)) * sizeof(float);
  // Weights, gradients (float and double sums, 8 lanes of partials), two AdamW moments.
  const std::uint64_t per_parameter = parameters * (2 * sizeof(float) + 9 * sizeof(double) + 2 * sizeof(float));
  const auto log_records = static_cast<std::uint64_t>(settings.steps / settings.log_every + 2) * 24;
  return batch_buffers + kernel_blocks + per_parameter + log_records;
}

}  // namespace superpos
