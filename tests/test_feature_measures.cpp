#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "analysis/feature_measures.hpp"

using namespace superpos;

namespace {

Weights polygon(int n, double radius = 1.0) {
  Weights w(n, 2);
  for (int i = 0; i < n; ++i) {
    const double angle = 2 * std::numbers::pi * i / n;
    w(i, 0) = static_cast<float>(radius * std::cos(angle));
    w(i, 1) = static_cast<float>(radius * std::sin(angle));
  }
  return w;
}

}  // namespace

TEST_CASE("Feature dimensionality: 2/5 in a pentagon, 1/2 in an antipodal pair, ~0 for a short shared row", "[measures]") {
  const FeatureMeasures pentagon = feature_measures(polygon(5));
  for (int i = 0; i < 5; ++i) CHECK(pentagon.dimensionality[i] == Approx(0.4).margin(1e-6));
  // sum_i D_i = H for a uniform polytope
  CHECK(pentagon.dimensionality.sum() == Approx(2.0).margin(1e-5));

  Weights pair(2, 2);
  pair << 1, 0, -1, 0;
  const FeatureMeasures antipodal = feature_measures(pair);
  CHECK(antipodal.dimensionality[0] == Approx(0.5).margin(1e-7));
  CHECK(antipodal.superposition[0] == Approx(1.0).margin(1e-7));

  Weights triangle(5, 2);
  triangle << 1, 0, -0.5f, 0.8660254f, -0.5f, -0.8660254f, 0.1f, 0, 0, 0;
  const FeatureMeasures m = feature_measures(triangle);
  // Row 0: ||W0||^2 = 1; along it: 1 + 2 * 0.25 + 0.01 = 1.51.
  CHECK(m.dimensionality[0] == Approx(1.0 / 1.51).epsilon(1e-5));
  // Row 3, a short row on row 0's line: 0.01 / (0.01 * (1 + 0.25 + 0.25 + 1)) * 0.01 ... = 0.01 / 2.51 * ...
  CHECK(m.dimensionality[3] == Approx(0.01 / (0.01 + 1 + 0.25 + 0.25)).epsilon(1e-5));
  CHECK(m.dimensionality[4] == 0.0);  // a zero row has no dimension
}

TEST_CASE("Measures do not change when a row flips sign", "[measures]") {
  Weights w = polygon(5);
  const FeatureMeasures before = feature_measures(w);
  w.row(2) *= -1.0f;
  const FeatureMeasures after = feature_measures(w);
  for (int i = 0; i < 5; ++i) {
    CHECK(after.dimensionality[i] == Approx(before.dimensionality[i]).margin(1e-9));
    CHECK(after.superposition[i] == Approx(before.superposition[i]).margin(1e-9));
  }
}

TEST_CASE("Held-out evaluation agrees with the exact expectation within its Monte Carlo error", "[measures]") {
  // A linear model keeping features 0 and 1 exactly: the expected loss is the importance-weighted
  // energy of features 2-4, (1 - p) sum_{i>=2} 0.9^i, and features 0 and 1 are fully explained.
  ToyModel model;
  model.activation = Activation::linear;
  model.weights = Weights::Zero(5, 2);
  model.weights(0, 0) = model.weights(1, 1) = 1;
  model.bias = Eigen::VectorXf::Zero(5);
  TrainSettings s;
  s.sparsity = 0.3;
  const HeldOutEvaluation e = evaluate_held_out(model, s, 1 << 18);
  const double exact = 0.7 * (0.81 + 0.729 + 0.6561);
  CHECK(std::abs(e.expected_loss - exact) < 4 * e.expected_loss_error);
  CHECK(e.expected_loss_error < 0.01 * exact);
  CHECK(e.explained_energy[0] == Approx(1.0).margin(1e-6));
  CHECK(e.explained_energy[3] == Approx(0.0).margin(1e-6));
  CHECK(e.input_energy == Approx(0.7 * (1 + 0.9 + 0.81 + 0.729 + 0.6561)).epsilon(0.01));

  // A ReLU passing each of two features straight through gives back exactly its positive half:
  // explained energy 1/2, up to sampling error (about 2 / sqrt(samples present)).
  model.activation = Activation::relu;
  const HeldOutEvaluation relu = evaluate_held_out(model, s, 1 << 18);
  CHECK(relu.explained_energy[0] == Approx(0.5).margin(0.01));
  CHECK(relu.explained_energy[1] == Approx(0.5).margin(0.01));

  // With uniform inputs nothing is negative: everything is given back.
  s.input = InputDistribution::uniform;
  CHECK(evaluate_held_out(model, s, 1 << 16).explained_energy[0] == Approx(1.0).margin(1e-6));
}
