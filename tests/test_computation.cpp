#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "analysis/feature_measures.hpp"
#include "fixtures_loader.hpp"
#include "model/computation_model.hpp"
#include "random/torch_generator.hpp"
#include "train/computation_trainer.hpp"

using namespace superpos;

namespace {

NotebookSettings computation_settings(int features, int neurons, std::vector<float> presence) {
  NotebookSettings settings;
  TrainSettings& t = settings.train;
  t.features = features;
  t.hidden = neurons;
  t.activation = Activation::relu;
  t.importance_decay = 0.8;
  t.schedule = LrSchedule::constant;
  t.feature_loss = FeatureLoss::mean;
  t.weight_decay = 0.0;
  t.task = Task::absolute_value;
  t.input = InputDistribution::uniform;
  settings.presence = std::move(presence);
  return settings;
}

// A model with weights of both signs and a bias with some entries below zero, so that both ReLUs
// pass some entries and block others.
ToyModel random_model(int features, int neurons, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 0.6f);
  ToyModel model;
  model.activation = Activation::relu;
  model.weights = Weights(features, neurons);
  model.output_weights = Weights(features, neurons);
  model.bias = Eigen::VectorXf(features);
  for (int i = 0; i < features; ++i) {
    model.bias[i] = normal(engine) * 0.3f;
    for (int j = 0; j < neurons; ++j) {
      model.weights(i, j) = normal(engine);
      model.output_weights(i, j) = normal(engine);
    }
  }
  return model;
}

// Rows x features, row-major, with a share of absent (zero) inputs and two rows with none.
std::vector<float> random_rows(int rows, int features, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f), coin(0.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(rows * features));
  for (float& v : x) v = coin(engine) < 0.4f ? value(engine) : 0.0f;
  for (int i = 0; i < features; ++i) x[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(features + i)] = 0.0f;
  return x;
}

double loss_in_double(const ToyModel& m, const std::vector<float>& x, int rows, const Eigen::VectorXf& w) {
  const Eigen::Index n = m.weights.rows(), h = m.weights.cols();
  double loss = 0.0;
  for (int b = 0; b < rows; ++b) {
    Eigen::VectorXd hidden = Eigen::VectorXd::Zero(h);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < h; ++j) hidden[j] += x[static_cast<std::size_t>(b * n + i)] * static_cast<double>(m.weights(i, j));
    hidden = hidden.cwiseMax(0.0);
    for (Eigen::Index i = 0; i < n; ++i) {
      double y = m.bias[i];
      for (Eigen::Index j = 0; j < h; ++j) y += hidden[j] * m.output_weights(i, j);
      const double r = std::max(y, 0.0) - std::abs(x[static_cast<std::size_t>(b * n + i)]);
      loss += w[i] * r * r;
    }
  }
  return loss / rows;
}

}  // namespace

TEST_CASE("The computation model starts from PyTorch's kaiming_uniform_ and draws its batches bit for bit",
          "[computation]") {
  // tests/reference/make_computation_fixtures.py: ARENA's NeuronComputationModel from seed 3.
  const auto fixture = test::load_fixture("computation_fixtures.json");
  NotebookSettings settings = computation_settings(fixture.at("features"), fixture.at("neurons"), {1.0f, 0.1f, 0.01f});
  settings.train.batch = fixture.at("batch");
  TorchGenerator generator(fixture.at("seed").get<std::uint64_t>());
  const std::vector<ToyModel> models = initial_computation_models(settings, generator);
  REQUIRE(models.size() == 3);
  for (std::size_t k = 0; k < models.size(); ++k) {
    INFO("instance " << k);
    const Weights& w1 = models[k].weights;
    const Weights& w2 = models[k].output_weights;
    CHECK(test::bits_of(std::vector<float>(w1.data(), w1.data() + w1.size())) ==
          fixture.at("input_weights_bits").at(k).get<std::vector<std::uint32_t>>());
    CHECK(test::bits_of(std::vector<float>(w2.data(), w2.data() + w2.size())) ==
          fixture.at("output_weights_bits").at(k).get<std::vector<std::uint32_t>>());
    CHECK(models[k].bias.isZero());
  }
  ComputationSampler sampler(settings);
  std::vector<float> batch(static_cast<std::size_t>(settings.train.batch) * 3 * static_cast<std::size_t>(settings.train.features));
  sampler.draw(generator, batch);
  CHECK(test::bits_of(batch) == fixture.at("batch_bits").get<std::vector<std::uint32_t>>());
  CHECK(generator.draws() == 2 * 3 * 20 * 10 + 2 * batch.size());
  settings.train.steps = 1;
  CHECK(computation_draws(settings) == generator.draws());
}

TEST_CASE("The computation model's gradients match finite differences of its loss", "[computation]") {
  const int features = 7, neurons = 4, rows = 12;
  const ToyModel model = random_model(features, neurons, 5);
  const std::vector<float> x = random_rows(rows, features, 9);
  TrainSettings t = computation_settings(features, neurons, {0.5f}).train;
  const Eigen::VectorXf w = loss_weights(t);
  ComputationScratch scratch;
  Gradients g;
  std::uint64_t present = 0, nonempty = 0;
  computation_loss_and_gradients(model, x.data(), features, rows, w, scratch, g, &present, &nonempty);
  CHECK(nonempty == rows - 2);
  CHECK(g.loss == Approx(loss_in_double(model, x, rows, w)).epsilon(1e-5));
  const double h = 1e-3;
  auto check_parameter = [&](auto&& parameter, float gradient, const char* what) {
    ToyModel up = model, down = model;
    parameter(up) += static_cast<float>(h);
    parameter(down) -= static_cast<float>(h);
    const double numeric = (loss_in_double(up, x, rows, w) - loss_in_double(down, x, rows, w)) / (2 * h);
    INFO(what << ": analytic " << gradient << ", numeric " << numeric);
    CHECK(gradient == Approx(numeric).margin(2e-4));
  };
  for (int i = 0; i < features; ++i) {
    check_parameter([&](ToyModel& m) -> float& { return m.bias[i]; }, g.bias[i], "b");
    for (int j = 0; j < neurons; ++j) {
      check_parameter([&](ToyModel& m) -> float& { return m.weights(i, j); }, g.weights(i, j), "W1^T");
      check_parameter([&](ToyModel& m) -> float& { return m.output_weights(i, j); }, g.output_weights(i, j), "W2");
    }
  }
}

TEST_CASE("The computation model's forward pass is the one it trains on, and |x| is its target", "[computation]") {
  const int features = 6, neurons = 3, rows = 10;
  const ToyModel model = random_model(features, neurons, 11);
  const std::vector<float> x = random_rows(rows, features, 13);
  Batch inputs(rows, features);
  for (int b = 0; b < rows; ++b)
    for (int i = 0; i < features; ++i) inputs(b, i) = x[static_cast<std::size_t>(b * features + i)];
  const Batch y = reconstruct(model, inputs);  // dispatches on output_weights
  CHECK((y.array() >= 0.0f).all());
  for (int i = 0; i < features; ++i) CHECK(y(0, i) == std::max(model.bias[i], 0.0f));  // a row with nothing present
  TrainSettings t = computation_settings(features, neurons, {0.5f}).train;
  const Eigen::VectorXf w = loss_weights(t);
  double loss = 0.0;
  for (int b = 0; b < rows; ++b)
    for (int i = 0; i < features; ++i) {
      const double r = static_cast<double>(y(b, i)) - std::abs(inputs(b, i));
      loss += w[i] * r * r;
    }
  ComputationScratch scratch;
  Gradients g;
  computation_loss_and_gradients(model, x.data(), features, rows, w, scratch, g);
  CHECK(g.loss == Approx(loss / rows).epsilon(1e-6));
}

TEST_CASE("A computation sweep is the same on one thread and on two, and learns |x|", "[computation]") {
  NotebookSettings settings = computation_settings(8, 4, {1.0f, 0.3f, 0.05f});
  settings.train.steps = 300;
  settings.train.batch = 256;
  settings.train.seed = 2;
  const NotebookResult one = train_computation(settings);
  settings.threads = 2;
  const NotebookResult two = train_computation(settings);
  for (std::size_t k = 0; k < one.instances.size(); ++k) {
    CHECK(one.instances[k].weights == two.instances[k].weights);
    CHECK(one.instances[k].output_weights == two.instances[k].output_weights);
    CHECK(one.instances[k].bias == two.instances[k].bias);
    // Training lowers the loss from its start on every instance.
    CHECK(one.losses[k].back().loss < one.losses[k].front().loss);
  }
  CHECK(one.draws_used == computation_draws(settings));
  // The held-out evaluation reads the task: predicting 0 everywhere is worse than the trained model.
  settings.train.sparsity = 0.0;
  const HeldOutEvaluation e = evaluate_held_out(one.instances[0], settings.train, 1 << 14);
  CHECK(e.expected_loss < e.input_energy);
  CHECK(e.explained_energy.maxCoeff() > 0.0);
}
