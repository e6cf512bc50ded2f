#include <catch2/catch.hpp>
#include <cmath>

#include "fixtures_loader.hpp"
#include "random/torch_generator.hpp"
#include "train/notebook_trainer.hpp"
#include "train/trainer.hpp"

using namespace superpos;

TEST_CASE("The notebook's sweep of feature probabilities is torch's 20^-linspace(0, 1, n)", "[notebook]") {
  const auto fixture = test::load_fixture("notebook_fixtures.json");
  const std::vector<float> expected = test::floats_from_bits(fixture.at("probability_bits"));
  const std::vector<float> computed = sweep_presence(20.0, 0.0, 1.0, static_cast<int>(expected.size()));
  REQUIRE(computed.size() == expected.size());
  // torch's pow is SLEEF's, within 1 ulp of the exact value; ours is the exact value rounded.
  int exact = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO("instance " << k << ": " << computed[k] << " against torch's " << expected[k]);
    CHECK(std::abs(computed[k] - expected[k]) <= std::nextafter(expected[k], 2.0f) - expected[k]);
    exact += computed[k] == expected[k] ? 1 : 0;
  }
  CHECK(exact >= static_cast<int>(expected.size()) - 1);
  CHECK(sweep_presence(20.0, 0.0, 1.0, 1) == std::vector<float>{1.0f});
  CHECK(sweep_presence(20.0, 0.5, 1.0, 1) == std::vector<float>{static_cast<float>(1.0 / std::sqrt(20.0))});
}

TEST_CASE("Training as the notebook does matches its PyTorch code instance by instance", "[notebook]") {
  // 5 -> 2, 10 instances from one stream, 200 steps of batch 256 (tests/reference/
  // make_notebook_fixtures.py). The stream is the same draw for draw; the sums run in another
  // order than torch's einsum, which moves W by float roundings a step. 1e-4 is the tolerance
  // the article's reproduction holds its printed tensors to; a wrong fan, mask or loss scale
  // moves W by 1e-2 or more within these steps.
  const auto fixture = test::load_fixture("notebook_fixtures.json");
  NotebookSettings settings;
  TrainSettings& t = settings.train;
  t.features = fixture.at("features");
  t.hidden = fixture.at("hidden");
  t.activation = Activation::relu;
  t.steps = fixture.at("steps");
  t.batch = fixture.at("batch");
  t.seed = fixture.at("seed");
  t.importance_decay = fixture.at("importance_base");
  t.schedule = LrSchedule::constant;
  t.feature_loss = FeatureLoss::mean;
  settings.presence = test::floats_from_bits(fixture.at("probability_bits"));
  // torch's importance, 0.9 ** arange(5) in float32, is the article's feature_importance.
  const Eigen::VectorXf importance = feature_importance(t.features, t.importance_decay);
  CHECK(test::bits_of(std::vector<float>(importance.data(), importance.data() + t.features)) ==
        fixture.at("importance_bits").get<std::vector<std::uint32_t>>());
  const NotebookResult result = train_notebook(settings);
  REQUIRE(result.instances.size() == settings.presence.size());
  double worst_w = 0.0, worst_b = 0.0;
  for (std::size_t k = 0; k < result.instances.size(); ++k) {
    const auto& w = fixture.at("weights").at(k);
    const auto& b = fixture.at("bias").at(k);
    for (int f = 0; f < t.features; ++f) {
      worst_b = std::max(worst_b, std::abs(b.at(f).get<double>() - result.instances[k].bias[f]));
      for (int h = 0; h < t.hidden; ++h)
        worst_w = std::max(worst_w, std::abs(w.at(f).at(h).get<double>() - result.instances[k].weights(f, h)));
    }
    CHECK(result.losses[k].back().step == t.steps - 1);
    CHECK(result.losses[k].back().loss == Approx(fixture.at("final_loss").at(k).get<double>()).epsilon(1e-3));
  }
  INFO("max |dW| " << worst_w << ", max |db| " << worst_b);
  CHECK(worst_w <= 1e-4);
  CHECK(worst_b <= 1e-4);
  // The init, then per step the values and the mask, each (batch, instances, features).
  const auto per_step = static_cast<std::uint64_t>(2 * t.batch * 10 * t.features);
  CHECK(result.draws_used == normal_draws(10 * 5 * 2) + per_step * static_cast<std::uint64_t>(t.steps));
  CHECK(result.draws_used == notebook_draws(settings));
}

TEST_CASE("The notebook trainer refuses settings it cannot train", "[notebook]") {
  NotebookSettings s;
  CHECK_THROWS_WITH(train_notebook(s), Catch::Contains("no instances"));
  s.presence = {1.0f};
  s.train.steps = 0;
  CHECK_THROWS_WITH(train_notebook(s), Catch::Contains("steps, batch and log_every"));
}

namespace {

NotebookSettings small_sweep(unsigned threads) {
  NotebookSettings settings;
  TrainSettings& t = settings.train;
  t.features = 6;
  t.hidden = 2;
  t.activation = Activation::relu;
  t.steps = 40;
  t.batch = 64;
  t.log_every = 7;
  t.schedule = LrSchedule::constant;
  t.feature_loss = FeatureLoss::mean;
  settings.presence = sweep_presence(20.0, 0.0, 1.0, 5);
  settings.threads = threads;
  return settings;
}

}  // namespace

TEST_CASE("A notebook sweep is the same sweep on any number of threads", "[notebook]") {
  // The threads share out each step's instances and draw the next step's batch meanwhile; every
  // instance must still see the one-thread draws in the one-thread order. A buffer swapped a step
  // early, or a draw raced with a read, moves W in the first steps.
  const NotebookResult one = train_notebook(small_sweep(1));
  for (unsigned threads : {2u, 3u, 8u}) {
    INFO(threads << " threads");
    const NotebookResult many = train_notebook(small_sweep(threads));
    REQUIRE(many.instances.size() == one.instances.size());
    CHECK(many.draws_used == one.draws_used);
    for (std::size_t k = 0; k < one.instances.size(); ++k) {
      CHECK(many.instances[k].weights == one.instances[k].weights);
      CHECK(many.instances[k].bias == one.instances[k].bias);
      REQUIRE(many.losses[k].size() == one.losses[k].size());
      for (std::size_t r = 0; r < one.losses[k].size(); ++r) {
        CHECK(many.losses[k][r].step == one.losses[k][r].step);
        CHECK(many.losses[k][r].loss == one.losses[k][r].loss);
      }
    }
  }
}

TEST_CASE("A diverging notebook sweep stops where one thread stops, on any number of threads", "[notebook]") {
  // lr 1e30 sends W past float's range within two steps in every instance; the error must name
  // the same step and last finite loss (instance 0's, the first one thread meets) on any count.
  auto divergence = [](unsigned threads) {
    NotebookSettings settings = small_sweep(threads);
    settings.train.lr = 1e30;
    try {
      train_notebook(settings);
    } catch (const DivergenceError& error) {
      return std::pair{error.step, error.last_finite_loss};
    }
    FAIL("no divergence reported on " << threads << " threads");
    return std::pair{-1L, 0.0};
  };
  const auto one = divergence(1);
  CHECK(one.first <= 2);
  for (unsigned threads : {2u, 3u}) {
    const auto many = divergence(threads);
    CHECK(many.first == one.first);
    CHECK((many.second == one.second || (std::isnan(many.second) && std::isnan(one.second))));
  }
}

TEST_CASE("Correlated and anticorrelated feature pairs are PyTorch's draws, bit for bit", "[notebook]") {
  // tests/reference/make_pairs_fixtures.py: one batch of each kind from torch.manual_seed(3), with
  // instances present with probability 1, 0.3 and 0.05. A pair coin read as a feature coin, the
  // halves of an anticorrelated row swapped, or 2p compared as p each changes some bits.
  const auto fixture = test::load_fixture("pairs_fixtures.json");
  NotebookSettings settings;
  settings.train.features = fixture.at("features");
  settings.train.batch = fixture.at("batch");
  settings.presence = test::floats_from_bits(fixture.at("probability_bits"));
  for (const auto& [pairs, key] : {std::pair{FeaturePairs::correlated, "correlated_bits"},
                                   std::pair{FeaturePairs::anticorrelated, "anticorrelated_bits"}}) {
    INFO(to_string(pairs));
    settings.pairs = pairs;
    TorchGenerator generator(fixture.at("seed").get<std::uint64_t>());
    NotebookSampler sampler(settings);
    std::vector<float> batch(static_cast<std::size_t>(settings.train.batch) * settings.presence.size() *
                             static_cast<std::size_t>(settings.train.features));
    sampler.draw(generator, batch);
    CHECK(test::bits_of(batch) == fixture.at(key).get<std::vector<std::uint32_t>>());
    CHECK(generator.draws() == NotebookSampler::draws_per_step(settings));
    // Anticorrelated: never both of a pair. Correlated: both or neither.
    for (std::size_t r = 0; r < batch.size(); r += 2) {
      if (pairs == FeaturePairs::anticorrelated) CHECK_FALSE((batch[r] != 0.0f && batch[r + 1] != 0.0f));
      else CHECK((batch[r] != 0.0f) == (batch[r + 1] != 0.0f));
    }
  }
}
