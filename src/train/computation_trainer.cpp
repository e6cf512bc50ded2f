#include "train/computation_trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <stdexcept>

#include "model/computation_model.hpp"
#include "random/torch_generator.hpp"
#include "train/adamw.hpp"
#include "train/shared_steps.hpp"

namespace superpos {
namespace {

void check_computation(const NotebookSettings& s) {
  const TrainSettings& t = s.train;
  if (t.features < 1 || t.hidden < 1) throw std::invalid_argument("train_computation: features and neurons must be >= 1");
  if (s.presence.empty()) throw std::invalid_argument("train_computation: no instances");
  if (t.steps < 1 || t.batch < 1 || t.log_every < 1)
    throw std::invalid_argument("train_computation: steps, batch and log_every must be >= 1");
  if (s.pairs != FeaturePairs::independent) throw std::invalid_argument("train_computation: features are independent");
}

// nn.init.kaiming_uniform_ (a = 0, fan_in, leaky_relu gain sqrt 2) on a tensor whose fan_in is
// `fan_in`: bound = sqrt(2) sqrt(3 / fan_in) in double, then uniform_(-bound, bound) in float as
// at::uniform_real_distribution<float> computes it: u * (to - from) + from, which PyTorch's CPU
// kernel (compiled for AVX2 with FMA) fuses into one rounding; unfused, half the values differ in
// their last bit (tests/fixtures/computation_fixtures.json).
void kaiming_uniform(TorchGenerator& generator, std::span<float> out, double fan_in) {
  const double bound = std::sqrt(3.0) * (std::sqrt(2.0) / std::sqrt(fan_in));
  const auto from = static_cast<float>(-bound), to = static_cast<float>(bound);
  generator.fill_uniform(out);
  const float range = to - from;
  for (float& value : out) value = std::fma(value, range, from);
}

}  // namespace

std::vector<ToyModel> initial_computation_models(const NotebookSettings& settings, TorchGenerator& generator) {
  const TrainSettings& t = settings.train;
  const std::size_t instances = settings.presence.size();
  const auto features = static_cast<std::size_t>(t.features), neurons = static_cast<std::size_t>(t.hidden);
  const double fan_in = static_cast<double>(features * neurons);
  std::vector<float> first(instances * neurons * features), second(instances * features * neurons);
  kaiming_uniform(generator, first, fan_in);   // W1: (instances, neurons, features)
  kaiming_uniform(generator, second, fan_in);  // W2: (instances, features, neurons)
  std::vector<ToyModel> models(instances);
  for (std::size_t k = 0; k < instances; ++k) {
    ToyModel& model = models[k];
    model.activation = Activation::relu;
    model.weights = Weights(t.features, t.hidden);
    model.output_weights = Weights(t.features, t.hidden);
    for (std::size_t i = 0; i < features; ++i)
      for (std::size_t j = 0; j < neurons; ++j) {
        const auto row = static_cast<Eigen::Index>(i), column = static_cast<Eigen::Index>(j);
        model.weights(row, column) = first[(k * neurons + j) * features + i];
        model.output_weights(row, column) = second[(k * features + i) * neurons + j];
      }
    model.bias = Eigen::VectorXf::Zero(t.features);
  }
  return models;
}

ComputationSampler::ComputationSampler(const NotebookSettings& settings) {
  const auto features = static_cast<std::size_t>(settings.train.features);
  for (const float p : settings.presence) threshold_.insert(threshold_.end(), features, p);
  mask_.resize(static_cast<std::size_t>(settings.train.batch) * threshold_.size());
}

void ComputationSampler::draw(TorchGenerator& generator, std::vector<float>& out) {
  generator.fill_uniform(mask_);
  generator.fill_uniform(out);
  const std::size_t row = threshold_.size();
  for (std::size_t b = 0; b < mask_.size(); b += row) {
    const float* m = mask_.data() + b;
    float* v = out.data() + b;
    // A product, as the reimplementation writes it: an absent negative value is -0, which no sum
    // or |x| tells from 0.
    for (std::size_t j = 0; j < row; ++j) v[j] = static_cast<float>(m[j] <= threshold_[j]) * (v[j] * 2.0f - 1.0f);
  }
}

std::uint64_t computation_draws(const NotebookSettings& settings) {
  const auto instances = static_cast<std::uint64_t>(settings.presence.size());
  const auto features = static_cast<std::uint64_t>(settings.train.features);
  const auto neurons = static_cast<std::uint64_t>(settings.train.hidden);
  return 2 * instances * features * neurons +
         2 * static_cast<std::uint64_t>(settings.train.batch) * instances * features * static_cast<std::uint64_t>(settings.train.steps);
}

NotebookResult train_computation(const NotebookSettings& settings) {
  check_computation(settings);
  const TrainSettings& t = settings.train;
  const std::size_t instances = settings.presence.size();
  const auto features = static_cast<std::size_t>(t.features), neurons = static_cast<std::size_t>(t.hidden);
  TorchGenerator generator(t.seed);
  generator.discard(t.stream_offset);

  NotebookResult result;
  result.instances = initial_computation_models(settings, generator);
  result.losses.resize(instances);
  std::vector<AdamWMoments> input_moments(instances, AdamWMoments(features * neurons));
  std::vector<AdamWMoments> output_moments(instances, AdamWMoments(features * neurons));
  std::vector<AdamWMoments> bias_moments(instances, AdamWMoments(features));
  const Eigen::VectorXf weights = loss_weights(t);
  AdamW optimizer;
  optimizer.weight_decay = t.weight_decay;

  ComputationSampler sampler(settings);
  std::vector<double> last_finite(instances, std::nan(""));
  long step = 0;
  struct Scratch {
    ComputationScratch kernel;
    Gradients gradients;
  };
  std::vector<Scratch> scratches(shared_step_threads(settings.threads, instances));
  SharedSteps loop;  // train/shared_steps.hpp: the notebook trainer's loop, at a constant lr
  loop.steps = t.steps;
  loop.instances = instances;
  loop.batch_floats = static_cast<std::size_t>(t.batch) * instances * features;
  loop.threads = settings.threads;
  loop.draw = [&](std::vector<float>& into) { sampler.draw(generator, into); };
  // Instance k's step: the same operations in the same order on any thread.
  loop.train = [&](std::size_t k, const std::vector<float>& batch, unsigned worker) {
    Scratch& scratch = scratches[worker];
    ToyModel& model = result.instances[k];
    computation_loss_and_gradients(model, batch.data() + k * features, instances * features,
                                   static_cast<std::size_t>(t.batch), weights, scratch.kernel, scratch.gradients);
    const Gradients& g = scratch.gradients;
    if (!std::isfinite(g.loss)) throw DivergenceError(step, last_finite[k]);
    last_finite[k] = g.loss;
    const long adam_step = step + 1;
    const std::size_t size = features * neurons;
    optimizer.step(std::span<float>(model.weights.data(), size), std::span<const float>(g.weights.data(), size),
                   input_moments[k], adam_step, t.lr);
    optimizer.step(std::span<float>(model.output_weights.data(), size),
                   std::span<const float>(g.output_weights.data(), size), output_moments[k], adam_step, t.lr);
    optimizer.step(std::span<float>(model.bias.data(), features), std::span<const float>(g.bias.data(), features),
                   bias_moments[k], adam_step, t.lr);
    if (!model.weights.allFinite() || !model.output_weights.allFinite() || !model.bias.allFinite())
      throw DivergenceError(step, last_finite[k]);
    if (step % t.log_every == 0 || step == t.steps - 1) result.losses[k].push_back({step, g.loss, t.lr});
  };

  const auto started = std::chrono::steady_clock::now();
  run_shared_steps(loop, step);
  result.loop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.draws_used = generator.draws() - t.stream_offset;
  return result;
}

}  // namespace superpos
