// The 2 -> 1 phase theory (analysis/phase_theory.hpp): the exact expected loss against a Monte
// Carlo estimate and against a case worked out by hand, and the candidates against the picture the
// paper draws (dense: the more important feature takes the dimension; sparse and near equal
// importance: the antipodal pair wins).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "paper/phase_theory.hpp"

using namespace superpos;

namespace {

// The mean and standard error of the loss over `samples` inputs drawn as the notebook draws them.
std::pair<double, double> sampled_loss(const TwoByOne& m, double p, std::array<double, 2> c, int samples) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double sum = 0.0, sum_sq = 0.0;
  for (int s = 0; s < samples; ++s) {
    const double x1 = unit(rng) < p ? unit(rng) : 0.0, x2 = unit(rng) < p ? unit(rng) : 0.0;
    const double h = m.w1 * x1 + m.w2 * x2;
    const double y1 = std::max(0.0, m.w1 * h + m.b1), y2 = std::max(0.0, m.w2 * h + m.b2);
    const double loss = c[0] * (y1 - x1) * (y1 - x1) + c[1] * (y2 - x2) * (y2 - x2);
    sum += loss;
    sum_sq += loss * loss;
  }
  const double mean = sum / samples;
  return {mean, std::sqrt((sum_sq / samples - mean * mean) / samples)};
}

}  // namespace

TEST_CASE("The 2 -> 1 expected loss is the sampled loss's mean", "[phase_theory]") {
  // Models in each regime of the ReLU: both outputs active, one cut, an antipodal pair with
  // negative biases (the superposition solution), a same-sign pair, and the zero model.
  const TwoByOne models[] = {{1.0, 0.0, 0.0, 0.1}, {0.9, -0.8, -0.2, -0.15}, {1.1, -1.0, -0.05, 0.3},
                             {0.7, 0.6, 0.1, -0.4}, {0.0, 0.0, 0.0, 0.0},     {-0.5, 1.3, 0.25, -0.6}};
  for (const TwoByOne& m : models)
    for (double p : {1.0, 0.5, 0.1}) {
      const std::array<double, 2> c = {0.5, 0.5 * 3.0};
      const auto [mean, error] = sampled_loss(m, p, c, 1 << 21);
      INFO("W = (" << m.w1 << ", " << m.w2 << "), b = (" << m.b1 << ", " << m.b2 << "), p = " << p);
      CHECK(std::abs(expected_loss_2x1(m, p, c) - mean) <= 4.0 * error + 1e-12);
    }
}

TEST_CASE("Copying one feature and predicting the other's mean loses c Var(x) exactly", "[phase_theory]") {
  for (double p : {1.0, 0.3, 0.01}) {
    const double variance = p / 3.0 - p * p / 4.0;
    CHECK(expected_loss_2x1({1.0, 0.0, 0.0, p / 2.0}, p, {0.5, 2.0}) == Approx(2.0 * variance).epsilon(1e-12));
    CHECK(expected_loss_2x1({0.0, 1.0, p / 2.0, 0.0}, p, {0.5, 2.0}) == Approx(0.5 * variance).epsilon(1e-12));
  }
}

TEST_CASE("The candidates' losses draw the paper's phase diagram", "[phase_theory]") {
  // Dense: no superposition; the more important feature takes the dimension.
  CHECK(candidate_losses(1.0, {0.5, 0.5 * 2.0}).best() == SecondFeaturePhase::takes_the_dimension);
  CHECK(candidate_losses(1.0, {0.5, 0.5 * 0.5}).best() == SecondFeaturePhase::not_represented);
  // Sparse (1/(1-S) = 100) at equal importance: the antipodal pair, clearly below either single feature.
  const CandidateLosses sparse = candidate_losses(0.01, {0.5, 0.5});
  CHECK(sparse.best() == SecondFeaturePhase::superposition);
  CHECK(sparse.superposition < 0.9 * sparse.not_represented);
  CHECK(sparse.best_superposition.w1 > 0.5);
  CHECK(sparse.best_superposition.w2 < -0.5);
  // The minimiser's point has the loss it reports, and no candidate beats the optimum of its family
  // by the minimiser's own tolerance: a single feature is an antipodal pair with w2 = 0.
  CHECK(expected_loss_2x1(sparse.best_superposition, 0.01, {0.5, 0.5}) == Approx(sparse.superposition).epsilon(1e-12));
  const CandidateLosses dense = candidate_losses(1.0, {0.5, 0.5 * 2.0});
  CHECK(dense.superposition >= std::min(dense.not_represented, dense.takes_the_dimension) * (1.0 - 1e-6));
}
