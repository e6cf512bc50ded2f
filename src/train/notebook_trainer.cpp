#include "train/notebook_trainer.hpp"

#include <cmath>
#include <fmt/format.h>
#include <span>
#include <stdexcept>

#include "random/torch_generator.hpp"
#include "train/adamw.hpp"
#include "train/trainer.hpp"

namespace superpos {

std::vector<float> notebook_feature_probabilities(int instances, double base) {
  if (instances < 1) throw std::invalid_argument("notebook_feature_probabilities: need at least one instance");
  // torch.linspace(0, 1, n) in float32: start + step * i in the first half, end - step * (n - 1 - i)
  // in the second (ATen's RangeFactoriesKernel), step = (end - start) / (n - 1) in float.
  std::vector<float> probabilities(static_cast<std::size_t>(instances));
  const float step = instances > 1 ? 1.0f / static_cast<float>(instances - 1) : 0.0f;
  const int halfway = instances / 2;
  for (int i = 0; i < instances; ++i) {
    // linspace(0, 1, 1) is [0].
    const float t = instances == 1 ? 0.0f
                    : i < halfway  ? 0.0f + step * static_cast<float>(i)
                                   : 1.0f - step * static_cast<float>(instances - 1 - i);
    // torch computes base ** -t with SLEEF's float pow, accurate to 1 ulp but not correctly
    // rounded; double pow rounded to float can differ from it by that ulp (at 5 -> 2 with 10
    // instances, in 1 of the 10). A mask decision then moves for about one draw in 2^24.
    probabilities[static_cast<std::size_t>(i)] = static_cast<float>(std::pow(base, -static_cast<double>(t)));
  }
  return probabilities;
}

namespace {

void check(const NotebookSettings& s) {
  if (s.features < 1 || s.hidden < 1) throw std::invalid_argument("train_notebook: features and hidden must be >= 1");
  if (s.feature_probability.empty()) throw std::invalid_argument("train_notebook: no instances");
  if (static_cast<int>(s.importance.size()) != s.features)
    throw std::invalid_argument(fmt::format("train_notebook: {} importances for {} features", s.importance.size(), s.features));
  if (s.steps < 1 || s.batch < 1) throw std::invalid_argument("train_notebook: steps and batch must be >= 1");
}

// Instance k's inputs from the (batch, instances, features) draws, as the column-major batch the
// kernel reads: x[b][f] = values[(b * instances + k) * features + f] where mask <= p_k, else 0.
void instance_batch(const std::vector<float>& values, const std::vector<float>& mask, float probability,
                    std::size_t instances, std::size_t k, Batch& x) {
  const auto batch = static_cast<std::size_t>(x.rows()), features = static_cast<std::size_t>(x.cols());
  for (std::size_t f = 0; f < features; ++f) {
    float* column = x.data() + f * batch;
    for (std::size_t b = 0; b < batch; ++b) {
      const std::size_t at = (b * instances + k) * features + f;
      column[b] = mask[at] <= probability ? values[at] : 0.0f;  // torch.where: the value itself
    }
  }
}

}  // namespace

NotebookResult train_notebook(const NotebookSettings& settings) {
  check(settings);
  const std::size_t instances = settings.feature_probability.size();
  const auto features = static_cast<std::size_t>(settings.features), hidden = static_cast<std::size_t>(settings.hidden);
  TorchGenerator generator(settings.seed);

  // xavier_normal_ on the (instances, features, hidden) tensor: fan_in = size(1) * receptive field
  // = features * hidden, fan_out = size(0) * receptive field = instances * hidden.
  const double fan_in = static_cast<double>(features * hidden), fan_out = static_cast<double>(instances * hidden);
  std::vector<float> initial(instances * features * hidden);
  generator.fill_normal(initial, 0.0, std::sqrt(2.0 / (fan_in + fan_out)));

  NotebookResult result;
  result.instances.resize(instances);
  std::vector<AdamWMoments> weight_moments, bias_moments;
  for (std::size_t k = 0; k < instances; ++k) {
    ToyModel& model = result.instances[k];
    model.activation = settings.activation;
    model.weights = Weights(settings.features, settings.hidden);
    for (std::size_t f = 0; f < features; ++f)
      for (std::size_t h = 0; h < hidden; ++h)
        model.weights(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(h)) = initial[(k * features + f) * hidden + h];
    model.bias = Eigen::VectorXf::Zero(settings.features);
    weight_moments.emplace_back(features * hidden);
    bias_moments.emplace_back(features);
  }
  // The loss averages over features too: the kernel's per-sample sum over features, with each
  // importance divided by the number of features.
  Eigen::VectorXf importance(settings.features);
  for (std::size_t f = 0; f < features; ++f)
    importance[static_cast<Eigen::Index>(f)] = settings.importance[f] / static_cast<float>(features);

  AdamW optimizer;
  optimizer.weight_decay = settings.weight_decay;
  const auto draws = static_cast<std::size_t>(settings.batch) * instances * features;
  std::vector<float> values(draws), mask(draws);
  Batch x(settings.batch, settings.features);
  GradientWorkspace workspace;
  Gradients gradients;
  result.final_loss.assign(instances, 0.0);
  for (long step = 0; step < settings.steps; ++step) {
    generator.fill_uniform(values);
    generator.fill_uniform(mask);
    const long t = step + 1;
    for (std::size_t k = 0; k < instances; ++k) {
      ToyModel& model = result.instances[k];
      instance_batch(values, mask, settings.feature_probability[k], instances, k, x);
      loss_and_gradients(model, x, importance, workspace, gradients);
      if (!std::isfinite(gradients.loss)) throw DivergenceError(step, result.final_loss[k]);
      result.final_loss[k] = gradients.loss;
      optimizer.step(std::span<float>(model.weights.data(), features * hidden),
                     std::span<const float>(gradients.weights.data(), features * hidden), weight_moments[k], t,
                     settings.lr);
      optimizer.step(std::span<float>(model.bias.data(), features),
                     std::span<const float>(gradients.bias.data(), features), bias_moments[k], t, settings.lr);
      if (!model.weights.allFinite() || !model.bias.allFinite()) throw DivergenceError(step, result.final_loss[k]);
    }
  }
  result.draws_used = generator.draws();
  return result;
}

}  // namespace superpos
