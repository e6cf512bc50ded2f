#include "train/notebook_trainer.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <span>
#include <stdexcept>

#include "random/torch_generator.hpp"
#include "train/adamw.hpp"
#include "train/cosine_schedule.hpp"

namespace superpos {

std::vector<float> sweep_presence(double base, double first, double last, int n) {
  if (n < 1) throw std::invalid_argument("sweep_presence: need at least one instance");
  // torch.linspace(first, last, n) in float32 (ATen's RangeFactoriesKernel): step = (last - first)
  // / (n - 1) in float; start + step * i in the first half, end - step * (n - 1 - i) in the second;
  // linspace(a, b, 1) is [a].
  const auto start = static_cast<float>(first), end = static_cast<float>(last);
  const float step = n > 1 ? (end - start) / static_cast<float>(n - 1) : 0.0f;
  const int halfway = n / 2;
  std::vector<float> presence(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const float t = n == 1 ? start : i < halfway ? start + step * static_cast<float>(i)
                                                 : end - step * static_cast<float>(n - 1 - i);
    // torch computes base ** -t with SLEEF's float pow, accurate to 1 ulp but not correctly
    // rounded; double pow rounded to float can differ from it by that ulp (at 5 -> 2 with 10
    // instances, in 1 of the 10). A mask decision then moves for about one draw in 2^24.
    presence[static_cast<std::size_t>(i)] = static_cast<float>(std::pow(base, -static_cast<double>(t)));
  }
  return presence;
}

std::uint64_t notebook_draws(const NotebookSettings& settings) {
  const auto instances = static_cast<std::uint64_t>(settings.presence.size());
  const auto features = static_cast<std::uint64_t>(settings.train.features);
  const auto per_step = 2 * static_cast<std::uint64_t>(settings.train.batch) * instances * features;
  return normal_draws(instances * features * static_cast<std::uint64_t>(settings.train.hidden)) +
         per_step * static_cast<std::uint64_t>(settings.train.steps);
}

namespace {

void check(const NotebookSettings& s) {
  const TrainSettings& t = s.train;
  if (t.features < 1 || t.hidden < 1) throw std::invalid_argument("train_notebook: features and hidden must be >= 1");
  if (s.presence.empty()) throw std::invalid_argument("train_notebook: no instances");
  if (t.steps < 1 || t.batch < 1 || t.log_every < 1)
    throw std::invalid_argument("train_notebook: steps, batch and log_every must be >= 1");
}

// Instance k's inputs from the (batch, instances, features) draws, as the column-major batch the
// kernel reads: x[b][f] = values[(b * instances + k) * features + f] where mask <= p_k, else 0.
void instance_batch(const std::vector<float>& values, const std::vector<float>& mask, float presence,
                    std::size_t instances, std::size_t k, Batch& x) {
  const auto batch = static_cast<std::size_t>(x.rows()), features = static_cast<std::size_t>(x.cols());
  for (std::size_t f = 0; f < features; ++f) {
    float* column = x.data() + f * batch;
    for (std::size_t b = 0; b < batch; ++b) {
      const std::size_t at = (b * instances + k) * features + f;
      column[b] = mask[at] <= presence ? values[at] : 0.0f;  // torch.where: the value itself
    }
  }
}

// xavier_normal_ on the (instances, features, hidden) tensor: fan_in = size(1) * receptive field
// = features * hidden, fan_out = size(0) * receptive field = instances * hidden.
std::vector<ToyModel> initial_models(const NotebookSettings& settings, TorchGenerator& generator) {
  const TrainSettings& t = settings.train;
  const std::size_t instances = settings.presence.size();
  const auto features = static_cast<std::size_t>(t.features), hidden = static_cast<std::size_t>(t.hidden);
  const double fan_in = static_cast<double>(features * hidden), fan_out = static_cast<double>(instances * hidden);
  std::vector<float> initial(instances * features * hidden);
  generator.fill_normal(initial, 0.0, std::sqrt(2.0 / (fan_in + fan_out)));
  std::vector<ToyModel> models(instances);
  for (std::size_t k = 0; k < instances; ++k) {
    ToyModel& model = models[k];
    model.activation = t.activation;
    model.weights = Weights(t.features, t.hidden);
    for (std::size_t f = 0; f < features; ++f)
      for (std::size_t h = 0; h < hidden; ++h)
        model.weights(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(h)) = initial[(k * features + f) * hidden + h];
    model.bias = Eigen::VectorXf::Zero(t.features);
  }
  return models;
}

}  // namespace

NotebookResult train_notebook(const NotebookSettings& settings) {
  check(settings);
  const TrainSettings& t = settings.train;
  const std::size_t instances = settings.presence.size();
  const auto features = static_cast<std::size_t>(t.features), hidden = static_cast<std::size_t>(t.hidden);
  TorchGenerator generator(t.seed);
  generator.discard(t.stream_offset);

  NotebookResult result;
  result.instances = initial_models(settings, generator);
  result.losses.resize(instances);
  std::vector<AdamWMoments> weight_moments(instances, AdamWMoments(features * hidden));
  std::vector<AdamWMoments> bias_moments(instances, AdamWMoments(features));
  const Eigen::VectorXf importance = loss_weights(t);
  AdamW optimizer;
  optimizer.weight_decay = t.weight_decay;
  CosineSchedule schedule(t.lr, t.steps);

  const auto draws = static_cast<std::size_t>(t.batch) * instances * features;
  std::vector<float> values(draws), mask(draws);
  Batch x(t.batch, t.features);
  GradientWorkspace workspace;
  Gradients gradients;
  std::vector<double> last_finite(instances, std::nan(""));
  const auto started = std::chrono::steady_clock::now();
  for (long step = 0; step < t.steps; ++step) {
    generator.fill_uniform(values);
    generator.fill_uniform(mask);
    const double lr = t.schedule == LrSchedule::constant ? t.lr : schedule.lr();
    const long adam_step = step + 1;
    for (std::size_t k = 0; k < instances; ++k) {
      ToyModel& model = result.instances[k];
      instance_batch(values, mask, settings.presence[k], instances, k, x);
      loss_and_gradients(model, x, importance, workspace, gradients);
      if (!std::isfinite(gradients.loss)) throw DivergenceError(step, last_finite[k]);
      last_finite[k] = gradients.loss;
      optimizer.step(std::span<float>(model.weights.data(), features * hidden),
                     std::span<const float>(gradients.weights.data(), features * hidden), weight_moments[k],
                     adam_step, lr);
      optimizer.step(std::span<float>(model.bias.data(), features),
                     std::span<const float>(gradients.bias.data(), features), bias_moments[k], adam_step, lr);
      if (!model.weights.allFinite() || !model.bias.allFinite()) throw DivergenceError(step, last_finite[k]);
      if (step % t.log_every == 0 || step == t.steps - 1) result.losses[k].push_back({step, gradients.loss, lr});
    }
    schedule.step();
  }
  result.loop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.draws_used = generator.draws() - t.stream_offset;
  return result;
}

}  // namespace superpos
