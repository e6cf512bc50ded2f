#include "train/notebook_trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <span>
#include <stdexcept>

#include "random/torch_generator.hpp"
#include "train/adamw.hpp"
#include "train/cosine_schedule.hpp"
#include "train/shared_steps.hpp"

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
  const std::uint64_t per_step = NotebookSampler::draws_per_step(settings);
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

// Keeps each draw where its mask holds, in place: values[(b * instances + k) * features + f]
// stays where mask <= p_k, else becomes 0 (torch.where: the value itself, not a product, so the
// bits are the stream's). `threshold` is one row's p_k, each repeated `features` times, so that a
// row is one contiguous, branch-free loop at vector width even with 2 features: the masks are coin
// flips, and a branch per draw mispredicted on half of them (half the loop's time at 20 -> 5).
void mask_draws(std::vector<float>& values, const std::vector<float>& mask, const std::vector<float>& threshold) {
  const std::size_t row = threshold.size(), rows = values.size() / row;
  for (std::size_t b = 0; b < rows; ++b) {
    float* v = values.data() + b * row;
    const float* m = mask.data() + b * row;
    for (std::size_t j = 0; j < row; ++j) v[j] = m[j] <= threshold[j] ? v[j] : 0.0f;
  }
}

// Instance k's inputs from the masked (batch, instances, features) draws, as the column-major
// batch the kernel reads. A block of rows at a time, so that the rows a block reads stay in L1
// while each of its features' columns is written.
void instance_batch(const std::vector<float>& masked, std::size_t instances, std::size_t k, Batch& x) {
  constexpr std::size_t block = 64;
  const auto batch = static_cast<std::size_t>(x.rows()), features = static_cast<std::size_t>(x.cols());
  const std::size_t row = instances * features;
  for (std::size_t b0 = 0; b0 < batch; b0 += block) {
    const std::size_t b1 = std::min(batch, b0 + block);
    for (std::size_t f = 0; f < features; ++f) {
      float* column = x.data() + f * batch;
      const float* source = masked.data() + k * features + f;
      for (std::size_t b = b0; b < b1; ++b) column[b] = source[b * row];
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

std::string to_string(FeaturePairs pairs) {
  switch (pairs) {
    case FeaturePairs::independent: return "independent";
    case FeaturePairs::correlated: return "correlated";
    case FeaturePairs::anticorrelated: return "anticorrelated";
  }
  return "independent";
}

NotebookSampler::NotebookSampler(const NotebookSettings& settings)
    : pairs_(settings.pairs),
      instances_(settings.presence.size()),
      features_(static_cast<std::size_t>(settings.train.features)),
      batch_(static_cast<std::size_t>(settings.train.batch)),
      presence_(settings.presence) {
  if (pairs_ != FeaturePairs::independent && features_ % 2 != 0)
    throw std::invalid_argument("NotebookSampler: paired features need an even number of features");
  for (const float p : presence_) threshold_.insert(threshold_.end(), features_, p);
  const std::size_t draws = batch_ * instances_ * features_;
  scratch_.resize(pairs_ == FeaturePairs::independent ? draws : draws / 2);
  if (pairs_ == FeaturePairs::anticorrelated) {
    values_.resize(draws);
    first_.resize(draws / 2);
  }
}

std::uint64_t NotebookSampler::draws_per_step(const NotebookSettings& settings) {
  const auto values = static_cast<std::uint64_t>(settings.train.batch) * settings.presence.size() *
                      static_cast<std::uint64_t>(settings.train.features);
  // Independent: values and a mask coin each; correlated: values and a coin per pair;
  // anticorrelated: values, a coin per pair and one more for which of the two.
  return settings.pairs == FeaturePairs::correlated ? values + values / 2 : 2 * values;
}

void NotebookSampler::draw(TorchGenerator& generator, std::vector<float>& out) {
  const std::size_t pairs = features_ / 2, rows = batch_ * instances_;
  if (pairs_ == FeaturePairs::independent) {
    generator.fill_uniform(out);
    generator.fill_uniform(scratch_);
    mask_draws(out, scratch_, threshold_);
    return;
  }
  if (pairs_ == FeaturePairs::correlated) {
    generator.fill_uniform(out);
    generator.fill_uniform(scratch_);  // one coin per pair
    for (std::size_t r = 0; r < rows; ++r) {
      const float p = presence_[r % instances_];
      for (std::size_t k = 0; k < pairs; ++k)
        if (!(scratch_[r * pairs + k] <= p)) out[r * features_ + 2 * k] = out[r * features_ + 2 * k + 1] = 0.0f;
    }
    return;
  }
  // Anticorrelated: the first half of a row's values feed the pairs' first features, the second
  // half their second ones (torch.concat then rearrange "(pair features) -> (features pair)").
  generator.fill_uniform(values_);
  generator.fill_uniform(scratch_);  // the pair present: <= 2p
  generator.fill_uniform(first_);    // which of the two: <= 1/2, the first
  for (std::size_t r = 0; r < rows; ++r) {
    const float twice = 2.0f * presence_[r % instances_];
    for (std::size_t k = 0; k < pairs; ++k) {
      const bool present = scratch_[r * pairs + k] <= twice, first = first_[r * pairs + k] <= 0.5f;
      out[r * features_ + 2 * k] = present && first ? values_[r * features_ + k] : 0.0f;
      out[r * features_ + 2 * k + 1] = present && !first ? values_[r * features_ + pairs + k] : 0.0f;
    }
  }
}

namespace {

// What one thread needs to train an instance's step: its batch and the kernel's buffers.
struct InstanceScratch {
  Batch x;
  GradientWorkspace workspace;
  Gradients gradients;
};

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

  NotebookSampler sampler(settings);
  std::vector<double> last_finite(instances, std::nan(""));
  long step = 0;
  double lr = t.lr;
  // Instance k's step on the draws `masked`: the same operations in the same order on any thread.
  std::vector<InstanceScratch> scratch(shared_step_threads(settings.threads, instances));
  for (InstanceScratch& s : scratch) s.x.resize(t.batch, t.features);
  SharedSteps loop;
  loop.steps = t.steps;
  loop.instances = instances;
  loop.batch_floats = static_cast<std::size_t>(t.batch) * instances * features;
  loop.threads = settings.threads;
  loop.draw = [&](std::vector<float>& into) { sampler.draw(generator, into); };
  loop.begin_step = [&] { lr = t.schedule == LrSchedule::constant ? t.lr : schedule.lr(); };
  loop.end_step = [&] { schedule.step(); };
  loop.train = [&](std::size_t k, const std::vector<float>& masked, unsigned worker) {
    InstanceScratch& s = scratch[worker];
    ToyModel& model = result.instances[k];
    instance_batch(masked, instances, k, s.x);
    loss_and_gradients(model, s.x, importance, s.workspace, s.gradients);
    const Gradients& g = s.gradients;
    if (!std::isfinite(g.loss)) throw DivergenceError(step, last_finite[k]);
    last_finite[k] = g.loss;
    const long adam_step = step + 1;
    optimizer.step(std::span<float>(model.weights.data(), features * hidden),
                   std::span<const float>(g.weights.data(), features * hidden), weight_moments[k], adam_step, lr);
    optimizer.step(std::span<float>(model.bias.data(), features), std::span<const float>(g.bias.data(), features),
                   bias_moments[k], adam_step, lr);
    if (!model.weights.allFinite() || !model.bias.allFinite()) throw DivergenceError(step, last_finite[k]);
    if (step % t.log_every == 0 || step == t.steps - 1) result.losses[k].push_back({step, g.loss, lr});
  };
  const auto started = std::chrono::steady_clock::now();
  run_shared_steps(loop, step);
  result.loop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.draws_used = generator.draws() - t.stream_offset;
  return result;
}

}  // namespace superpos
