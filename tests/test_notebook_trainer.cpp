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
  const std::vector<float> computed = notebook_feature_probabilities(static_cast<int>(expected.size()));
  REQUIRE(computed.size() == expected.size());
  // torch's pow is SLEEF's, within 1 ulp of the exact value; ours is the exact value rounded.
  int exact = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO("instance " << k << ": " << computed[k] << " against torch's " << expected[k]);
    CHECK(std::abs(computed[k] - expected[k]) <= std::nextafter(expected[k], 2.0f) - expected[k]);
    exact += computed[k] == expected[k] ? 1 : 0;
  }
  CHECK(exact >= static_cast<int>(expected.size()) - 1);
  CHECK(notebook_feature_probabilities(1) == std::vector<float>{1.0f});
}

TEST_CASE("Training as the notebook does matches its PyTorch code instance by instance", "[notebook]") {
  // 5 -> 2, 10 instances from one stream, 200 steps of batch 256 (tests/reference/
  // make_notebook_fixtures.py). The stream is the same draw for draw; the sums run in another
  // order than torch's einsum, which moves W by float roundings a step. 1e-4 is the tolerance
  // the article's reproduction holds its printed tensors to; a wrong fan, mask or loss scale
  // moves W by 1e-2 or more within these steps.
  const auto fixture = test::load_fixture("notebook_fixtures.json");
  NotebookSettings settings;
  settings.features = fixture.at("features");
  settings.hidden = fixture.at("hidden");
  settings.steps = fixture.at("steps");
  settings.batch = fixture.at("batch");
  settings.seed = fixture.at("seed");
  settings.feature_probability = test::floats_from_bits(fixture.at("probability_bits"));
  settings.importance = test::floats_from_bits(fixture.at("importance_bits"));
  const NotebookResult result = train_notebook(settings);
  REQUIRE(result.instances.size() == settings.feature_probability.size());
  double worst_w = 0.0, worst_b = 0.0;
  for (std::size_t k = 0; k < result.instances.size(); ++k) {
    const auto& w = fixture.at("weights").at(k);
    const auto& b = fixture.at("bias").at(k);
    for (int f = 0; f < settings.features; ++f) {
      worst_b = std::max(worst_b, std::abs(b.at(f).get<double>() - result.instances[k].bias[f]));
      for (int h = 0; h < settings.hidden; ++h)
        worst_w = std::max(worst_w, std::abs(w.at(f).at(h).get<double>() - result.instances[k].weights(f, h)));
    }
    CHECK(result.final_loss[k] == Approx(fixture.at("final_loss").at(k).get<double>()).epsilon(1e-3));
  }
  INFO("max |dW| " << worst_w << ", max |db| " << worst_b);
  CHECK(worst_w <= 1e-4);
  CHECK(worst_b <= 1e-4);
  // The init, then per step the values and the mask, each (batch, instances, features).
  const auto per_step = static_cast<std::uint64_t>(2 * settings.batch * 10 * settings.features);
  CHECK(result.draws_used == normal_draws(10 * 5 * 2) + per_step * static_cast<std::uint64_t>(settings.steps));
}

TEST_CASE("The notebook trainer refuses settings it cannot train", "[notebook]") {
  NotebookSettings s;
  s.importance = {1, 1, 1, 1, 1};
  CHECK_THROWS_WITH(train_notebook(s), Catch::Contains("no instances"));
  s.feature_probability = {1.0f};
  s.importance = {1, 1};
  CHECK_THROWS_WITH(train_notebook(s), Catch::Contains("2 importances for 5 features"));
}
