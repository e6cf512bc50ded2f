#include <catch2/catch.hpp>
#include <cmath>

#include "fixtures_loader.hpp"
#include "train/adamw.hpp"
#include "train/cosine_schedule.hpp"

using namespace superpos;

TEST_CASE("AdamW matches torch.optim.AdamW over five steps with a cosine schedule", "[adamw]") {
  const auto fixture = test::load_fixture("optimizer_fixtures.json").at("adamw");
  std::vector<float> params = test::floats_from_bits(fixture.at("initial"));
  AdamW optimizer;  // torch defaults, weight decay 0.01
  AdamWMoments moments(params.size());
  CosineSchedule schedule(1e-3, 5);
  int max_ulps = 0;
  for (std::size_t step = 0; step < fixture.at("grads").size(); ++step) {
    CHECK(schedule.lr() == Approx(fixture.at("lr").at(step).get<double>()).epsilon(1e-15));
    const std::vector<float> grads = test::floats_from_bits(fixture.at("grads").at(step));
    optimizer.step(params, grads, moments, static_cast<long>(step) + 1, schedule.lr());
    schedule.step();
    const std::vector<float> expected = test::floats_from_bits(fixture.at("after").at(step));
    for (std::size_t i = 0; i < params.size(); ++i) {
      // torch's vectorised kernels may fuse a multiply-add we do not: allow a few ulp, no more.
      const int ulps = std::abs(static_cast<int>(std::bit_cast<std::uint32_t>(params[i])) -
                                static_cast<int>(std::bit_cast<std::uint32_t>(expected[i])));
      max_ulps = std::max(max_ulps, ulps);
    }
  }
  CHECK(max_ulps <= 2);
}

TEST_CASE("AdamW's first step moves each parameter by about lr against its gradient's sign", "[adamw]") {
  // With zero moments the bias-corrected step is lr * g / (|g| + eps): a hand-checkable value.
  std::vector<float> params = {1.0f, -1.0f};
  const std::vector<float> grads = {0.5f, -2.0f};
  AdamW optimizer;
  optimizer.weight_decay = 0.0;
  AdamWMoments moments(2);
  optimizer.step(params, grads, moments, 1, 0.01);
  CHECK(params[0] == Approx(0.99).epsilon(1e-6));
  CHECK(params[1] == Approx(-0.99).epsilon(1e-6));
}

TEST_CASE("The cosine schedule follows torch's recursive update and the closed form", "[schedule]") {
  const auto fixture = test::load_fixture("optimizer_fixtures.json").at("cosine");
  CosineSchedule schedule(1e-3, 10000);
  for (long step = 0; step < 10000; ++step) {
    if (step % 1000 == 0) {
      CHECK(schedule.lr() == Approx(fixture.at("every_1000th").at(step / 1000).get<double>()).epsilon(1e-14));
      CHECK(schedule.lr() == Approx(lr_closed_form(1e-3, step, 10000)).epsilon(1e-10));
    }
    if (step == 9999) CHECK(schedule.lr() == Approx(fixture.at("last").get<double>()).epsilon(1e-12));
    schedule.step();
  }
}
