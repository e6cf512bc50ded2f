#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "analysis/feature_measures.hpp"
#include "analysis/superposition_readings.hpp"

using namespace superpos;

namespace {

// Five unit rows at 72 degrees: Elhage et al.'s pentagon, 2 dimensions shared by 5 features.
Weights pentagon() {
  Weights w(5, 2);
  for (int i = 0; i < 5; ++i) {
    const double angle = 2.0 * std::numbers::pi * i / 5.0;
    w(i, 0) = static_cast<float>(std::cos(angle));
    w(i, 1) = static_cast<float>(std::sin(angle));
  }
  return w;
}

// Rows (1, 0), (-1, 0), (0, 1): an antipodal pair (a digon) and a feature orthogonal to it.
Weights digon_plus_orthogonal() {
  Weights w(3, 2);
  w << 1.0f, 0.0f, -1.0f, 0.0f, 0.0f, 1.0f;
  return w;
}

Weights column(float first, float second) {
  Weights w(2, 1);
  w << first, second;
  return w;
}

}  // namespace

TEST_CASE("A pentagon gives each feature 2/5 of a dimension and pairs nothing", "[readings]") {
  const Weights w = pentagon();
  CHECK(represented_features(w, 0.5) == 5);
  CHECK(dimensions_per_feature(w) == Approx(2.0 / 5.0).epsilon(1e-6));
  for (double d : feature_measures(w).dimensionality) CHECK(d == Approx(0.4).epsilon(1e-6));
  CHECK(antipodal_pairs(w, 0.5, 10.0).empty());  // neighbours are 144 degrees apart at most
  CHECK(orthogonal_pairs(w, 0.5, 10.0).empty());  // 72 and 144 degrees: neither within 10 of 90
}

TEST_CASE("An antipodal pair and an orthogonal feature read as 1/2, 1/2 and 1", "[readings]") {
  const Weights w = digon_plus_orthogonal();
  CHECK(represented_features(w, 0.5) == 3);
  CHECK(dimensions_per_feature(w) == Approx(2.0 / 3.0));
  const Eigen::VectorXd d = feature_measures(w).dimensionality;
  CHECK(d[0] == Approx(0.5));
  CHECK(d[1] == Approx(0.5));
  CHECK(d[2] == Approx(1.0));
  CHECK(antipodal_pairs(w, 0.5, 10.0) == std::vector<std::pair<int, int>>{{0, 1}});
  CHECK(orthogonal_pairs(w, 0.5, 10.0) == std::vector<std::pair<int, int>>{{0, 2}, {1, 2}});
  // Flipping a row's sign turns the pair into two rows on one side: no longer antipodal.
  Weights flipped = w;
  flipped.row(1) *= -1.0f;
  CHECK(antipodal_pairs(flipped, 0.5, 10.0).empty());
}

TEST_CASE("Short rows are not represented and join no pair", "[readings]") {
  Weights w = digon_plus_orthogonal();
  w.row(1) *= 0.1f;  // (-0.1, 0): on the first feature's line, but short
  CHECK(represented_features(w, 0.5) == 2);
  CHECK(antipodal_pairs(w, 0.5, 10.0).empty());
  CHECK(antipodal_pairs(w, 0.05, 10.0) == std::vector<std::pair<int, int>>{{0, 1}});
  CHECK_THROWS(dimensions_per_feature(Weights::Zero(3, 2)));
}

TEST_CASE("The 2 -> 1 model's three phases are told apart, and a W in none of them is an error", "[readings]") {
  CHECK(second_feature_phase(column(1.0f, 0.02f), 0.5) == SecondFeaturePhase::not_represented);
  CHECK(second_feature_phase(column(-0.01f, -0.98f), 0.5) == SecondFeaturePhase::takes_the_dimension);
  CHECK(second_feature_phase(column(0.9f, -0.8f), 0.5) == SecondFeaturePhase::superposition);
  CHECK(second_feature_phase(column(-0.9f, 0.8f), 0.5) == SecondFeaturePhase::superposition);
  CHECK_THROWS_WITH(second_feature_phase(column(0.9f, 0.8f), 0.5), Catch::Contains("same side"));
  CHECK_THROWS_WITH(second_feature_phase(column(0.1f, 0.1f), 0.5), Catch::Contains("neither"));
  CHECK_THROWS(second_feature_phase(pentagon(), 0.5));
}

TEST_CASE("The share near a set of fractions counts each value once", "[readings]") {
  CHECK(share_near({0.5, 0.4, 1.0, 0.7}, {1.0, 0.5, 0.4}, 0.02) == Approx(0.75));
  CHECK(share_near({0.5}, {0.5, 0.51}, 0.02) == Approx(1.0));
  CHECK(share_near({}, {0.5}, 0.02) == 0.0);
  CHECK(share_near({0.45}, {0.5}, 0.02) == 0.0);
}
