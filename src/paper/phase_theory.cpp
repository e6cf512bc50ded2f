#include "paper/phase_theory.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace superpos {
namespace {

// ∫_lo^hi (a v + b)^2 dv.
double square_integral(double a, double b, double lo, double hi) {
  if (hi <= lo) return 0.0;
  return a * a * (hi * hi * hi - lo * lo * lo) / 3.0 + a * b * (hi * hi - lo * lo) + b * b * (hi - lo);
}

// ∫_0^1 (ReLU(a v + c) - (g v + t))^2 dv: where a v + c > 0 the output is a v + c, elsewhere 0.
double relu_error(double a, double c, double g, double t) {
  double lo = 0.0, hi = 1.0;  // where the ReLU passes its input
  if (a == 0.0) {
    if (c <= 0.0) lo = hi = 0.0;
  } else if (a > 0.0) {
    lo = std::clamp(-c / a, 0.0, 1.0);
  } else {
    hi = std::clamp(-c / a, 0.0, 1.0);
  }
  return square_integral(a - g, c - t, lo, hi) + square_integral(g, t, 0.0, lo) + square_integral(g, t, hi, 1.0);
}

// Gauss-Legendre nodes and weights of order 8 on [-1, 1] (the positive half; symmetric).
constexpr double kNodes[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
constexpr double kWeights[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
constexpr int kPanels = 64;

template <class F>
double integrate_unit(F f) {
  double sum = 0.0;
  const double half = 0.5 / kPanels;
  for (int panel = 0; panel < kPanels; ++panel) {
    const double mid = (panel + 0.5) / kPanels;
    for (int k = 0; k < 4; ++k) sum += kWeights[k] * (f(mid - half * kNodes[k]) + f(mid + half * kNodes[k]));
  }
  return sum * half;
}

// Nelder-Mead on f from `start` with initial steps `step`: a derivative-free minimiser, enough for
// four smooth parameters (the loss is continuously differentiable: the ReLU's kink is integrated over).
std::pair<std::vector<double>, double> nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                                   std::vector<double> start, double step) {
  const std::size_t n = start.size();
  std::vector<std::vector<double>> simplex(n + 1, start);
  for (std::size_t i = 0; i < n; ++i) simplex[i + 1][i] += step;
  std::vector<double> value(n + 1);
  for (std::size_t i = 0; i <= n; ++i) value[i] = f(simplex[i]);
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::vector<std::size_t> order(n + 1);
    for (std::size_t i = 0; i <= n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return value[a] < value[b]; });
    const std::size_t best = order[0], worst = order[n], second = order[n - 1];
    if (value[worst] - value[best] <= 1e-14 * (1.0 + std::abs(value[best]))) break;
    std::vector<double> centre(n, 0.0);
    for (std::size_t i = 0; i <= n; ++i)
      if (i != worst)
        for (std::size_t d = 0; d < n; ++d) centre[d] += simplex[i][d] / static_cast<double>(n);
    auto along = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t d = 0; d < n; ++d) x[d] = centre[d] + t * (simplex[worst][d] - centre[d]);
      return x;
    };
    const std::vector<double> reflected = along(-1.0);
    const double fr = f(reflected);
    if (fr < value[best]) {
      const std::vector<double> expanded = along(-2.0);
      const double fe = f(expanded);
      if (fe < fr) simplex[worst] = expanded, value[worst] = fe;
      else simplex[worst] = reflected, value[worst] = fr;
    } else if (fr < value[second]) {
      simplex[worst] = reflected, value[worst] = fr;
    } else {
      const std::vector<double> contracted = fr < value[worst] ? along(-0.5) : along(0.5);
      const double fc = f(contracted);
      if (fc < std::min(fr, value[worst])) {
        simplex[worst] = contracted, value[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= n; ++i) {
          if (i == best) continue;
          for (std::size_t d = 0; d < n; ++d) simplex[i][d] = simplex[best][d] + 0.5 * (simplex[i][d] - simplex[best][d]);
          value[i] = f(simplex[i]);
        }
      }
    }
  }
  const auto best = std::min_element(value.begin(), value.end()) - value.begin();
  return {simplex[static_cast<std::size_t>(best)], value[static_cast<std::size_t>(best)]};
}

}  // namespace

double expected_loss_2x1(const TwoByOne& m, double p, const std::array<double, 2>& c) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("expected_loss_2x1: p must be in [0, 1]");
  const double a11 = m.w1 * m.w1, a12 = m.w1 * m.w2, a22 = m.w2 * m.w2;
  const double relu_b1 = std::max(0.0, m.b1), relu_b2 = std::max(0.0, m.b2);
  const double neither = c[0] * relu_b1 * relu_b1 + c[1] * relu_b2 * relu_b2;
  const double first_only = c[0] * relu_error(a11, m.b1, 1.0, 0.0) + c[1] * relu_error(a12, m.b2, 0.0, 0.0);
  const double second_only = c[0] * relu_error(a12, m.b1, 0.0, 0.0) + c[1] * relu_error(a22, m.b2, 1.0, 0.0);
  // Both present: over u = x_1 numerically, over v = x_2 in closed form.
  const double both = integrate_unit([&](double u) {
    return c[0] * relu_error(a12, a11 * u + m.b1, 0.0, u) + c[1] * relu_error(a22, a12 * u + m.b2, 1.0, 0.0);
  });
  const double q = 1.0 - p;
  return q * q * neither + p * q * (first_only + second_only) + p * p * both;
}

double CandidateLosses::of(SecondFeaturePhase phase) const {
  switch (phase) {
    case SecondFeaturePhase::not_represented: return not_represented;
    case SecondFeaturePhase::takes_the_dimension: return takes_the_dimension;
    case SecondFeaturePhase::superposition: return superposition;
  }
  return not_represented;
}

SecondFeaturePhase CandidateLosses::best() const {
  // The antipodal pair's minimiser can slide to a dropped feature (w2 -> 0), where it equals that
  // candidate's loss up to the minimiser's tolerance: it wins only by more than that.
  const double single = std::min(not_represented, takes_the_dimension);
  if (superposition < single - 1e-9 * single) return SecondFeaturePhase::superposition;
  return takes_the_dimension < not_represented ? SecondFeaturePhase::takes_the_dimension
                                               : SecondFeaturePhase::not_represented;
}

CandidateLosses candidate_losses(double p, const std::array<double, 2>& c) {
  if (!(p > 0.0 && p <= 1.0)) throw std::invalid_argument("candidate_losses: p must be in (0, 1]");
  CandidateLosses out;
  const double variance = p / 3.0 - p * p / 4.0;
  out.not_represented = c[1] * variance;
  out.takes_the_dimension = c[0] * variance;
  const auto loss = [&](const std::vector<double>& x) {
    return expected_loss_2x1({std::abs(x[0]), -std::abs(x[1]), x[2], x[3]}, p, c);
  };
  double best = HUGE_VAL;
  for (const std::vector<double>& start : {std::vector<double>{1.0, 1.0, 0.0, 0.0}, std::vector<double>{1.0, 0.6, -0.1, -0.1},
                                           std::vector<double>{0.6, 1.0, -0.1, -0.1}, std::vector<double>{0.9, 0.9, -0.3, -0.3}}) {
    auto [x, value] = nelder_mead(loss, start, 0.2);
    // A restart from the end point, so that a simplex that shrank early gets a second look.
    std::tie(x, value) = nelder_mead(loss, x, 0.05);
    if (value < best) {
      best = value;
      out.best_superposition = {std::abs(x[0]), -std::abs(x[1]), x[2], x[3]};
    }
  }
  out.superposition = best;
  return out;
}

}  // namespace superpos
