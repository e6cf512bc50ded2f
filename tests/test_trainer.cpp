#include <catch2/catch.hpp>

#include "analysis/geometry.hpp"
#include "fixtures_loader.hpp"
#include "train/trainer.hpp"

using namespace superpos;

TEST_CASE("A short linear run keeps two orthogonal unit rows and drops the other three", "[trainer]") {
  TrainSettings s;
  s.steps = 2000;
  s.lr = 0.01;  // a shortened run needs a larger rate to converge within its shorter schedule
  s.seed = 5;
  const TrainResult r = train(s);
  const Geometry g = analyse(r.model.weights);
  CHECK(g.norms[0] == Approx(1.0).margin(0.05));
  CHECK(g.norms[1] == Approx(1.0).margin(0.05));
  CHECK(g.norms.tail(3).maxCoeff() < 0.05);
  CHECK(g.angles_degrees(0, 1) == Approx(90.0).margin(1.0));
  CHECK(r.draws_used == run_draws(s));
}

TEST_CASE("A shortened ReLU run at sparsity 0.9 represents all five features in distinct directions", "[trainer]") {
  TrainSettings s;
  s.activation = Activation::relu;
  s.sparsity = 0.9;
  s.stream_offset = 307200085;  // the article's position in the seed-42 stream
  s.steps = 4000;
  const TrainResult r = train(s);
  const Geometry g = analyse(r.model.weights);
  CHECK(g.norms.minCoeff() > 0.15);
  double closest = 180;
  for (int i = 0; i < 5; ++i)
    for (int j = i + 1; j < 5; ++j) closest = std::min(closest, g.angles_degrees(i, j));
  CHECK(closest > 10.0);
}

TEST_CASE("Training stops with a DivergenceError when the loss stops being finite", "[trainer]") {
  TrainSettings s;
  s.steps = 200;
  s.lr = 1e30;
  s.weight_decay = 0.0;
  CHECK_THROWS_AS(train(s), DivergenceError);
}

TEST_CASE("The four article runs reproduce the printed tensors within 1e-4", "[trainer][article]") {
  // The full 10,000-step runs (about 3 s each in Release): the project's central claim, so it is a test.
  const auto printed = test::load_fixture("../../report/article_printed.json");
  struct Run { const char* name; Activation activation; double sparsity; std::uint64_t offset; };
  const Run runs[] = {{"linear_0", Activation::linear, 0.0, 25},
                      {"linear_05", Activation::linear, 0.5, 102400045},
                      {"relu_05", Activation::relu, 0.5, 204800065},
                      {"relu_09", Activation::relu, 0.9, 307200085}};
  for (const Run& run : runs) {
    TrainSettings s;
    s.activation = run.activation;
    s.sparsity = run.sparsity;
    s.stream_offset = run.offset;
    const Weights w = train(s).model.weights;
    double worst = 0;
    for (int i = 0; i < 5; ++i)
      for (int k = 0; k < 2; ++k)
        worst = std::max(worst, std::abs(printed.at(run.name).at("weights").at(i).at(k).get<double>() - w(i, k)));
    INFO(run.name << " max |dW| = " << worst);
    CHECK(worst <= 1e-4);
  }
}

TEST_CASE("Drawing the batches on a second thread gives the same run", "[train]") {
  // 50 x 20 is large enough for the drawing thread (from kDrawAheadFromWeights weights on); the
  // run must not change in one bit, nor the draws it takes from the stream.
  TrainSettings settings;
  settings.features = 50;
  settings.hidden = 20;
  REQUIRE(static_cast<std::size_t>(settings.features * settings.hidden) >= kDrawAheadFromWeights);
  settings.activation = Activation::relu;
  settings.sparsity = 0.7;
  settings.steps = 50;
  settings.batch = 96;
  settings.log_every = 7;
  const TrainResult one = train(settings, {}, 1);
  const TrainResult two = train(settings, {}, 2);
  CHECK(one.model.weights == two.model.weights);
  CHECK(one.model.bias == two.model.bias);
  CHECK(one.draws_used == two.draws_used);
  REQUIRE(one.loss_log.size() == two.loss_log.size());
  for (std::size_t k = 0; k < one.loss_log.size(); ++k) CHECK(one.loss_log[k].loss == two.loss_log[k].loss);
}

TEST_CASE("A run that diverges stops its drawing thread and reports the divergence", "[train]") {
  TrainSettings s;
  s.features = 50;
  s.hidden = 20;
  s.steps = 500;
  s.lr = 1e30;
  s.weight_decay = 0.0;
  CHECK_THROWS_AS(train(s, {}, 2), DivergenceError);  // and returns: the drawer does not wait forever
}
