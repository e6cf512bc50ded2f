// What the claims read off a run: which features are represented (by held-out reconstruction),
// which rows have a direction, and the lines those rows lie on, all unchanged by row sign flips.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/geometry.hpp"
#include "claims/claims.hpp"

namespace superpos {

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::holds: return "holds";
    case Verdict::fails: return "fails";
    default: return "not evaluated";
  }
}

ClaimResult not_evaluated(std::string id, std::string subject, std::string reason) {
  ClaimResult r;
  r.id = std::move(id);
  r.subject = std::move(subject);
  r.statement = "(not evaluated)";
  r.measured = std::move(reason);
  r.verdict = Verdict::not_evaluated;
  return r;
}

double achievable_energy(const RunResults& run) {
  const TrainSettings& t = run.config.train;
  return t.activation == Activation::relu && t.input == InputDistribution::normal ? 0.5 : 1.0;
}

Eigen::VectorXd recovered_fraction(const RunResults& run) {
  return run.evaluation.explained_energy / achievable_energy(run);
}

std::vector<int> represented(const RunResults& run, const Thresholds& t) {
  const Eigen::VectorXd recovered = recovered_fraction(run);
  std::vector<int> rows;
  for (Eigen::Index i = 0; i < recovered.size(); ++i)
    if (recovered[i] >= t.represented_fraction) rows.push_back(static_cast<int>(i));
  return rows;
}

std::vector<int> directional_rows(const Weights& weights, const Thresholds& t) {
  const Eigen::VectorXd norms = weights.cast<double>().rowwise().norm();
  std::vector<int> rows;
  for (Eigen::Index i = 0; i < norms.size(); ++i)
    if (norms[i] > 0 && norms[i] >= t.direction_norm_fraction * norms.maxCoeff()) rows.push_back(static_cast<int>(i));
  return rows;
}

std::vector<std::vector<int>> lines_of_rows(const Weights& weights, const std::vector<int>& rows, const Thresholds& t) {
  std::vector<std::vector<int>> lines;
  for (int i : rows) {
    const auto line = std::find_if(lines.begin(), lines.end(), [&](const std::vector<int>& l) {
      return line_angle_degrees(weights, l.front(), i) <= t.line_tolerance_degrees;
    });
    if (line == lines.end()) lines.push_back({i});
    else line->push_back(i);
  }
  return lines;
}

double mean_abs_cos_between_lines(const RunResults& run, const Thresholds& t) {
  const auto lines = lines_of_rows(run.model.weights, represented(run, t), t);
  double sum = 0.0;
  int pairs = 0;
  for (std::size_t a = 0; a < lines.size(); ++a)
    for (std::size_t b = a + 1; b < lines.size(); ++b) {
      sum += std::abs(std::cos(angle_degrees(run.model.weights, lines[a][0], lines[b][0]) * std::numbers::pi / 180.0));
      ++pairs;
    }
  return pairs == 0 ? 0.0 : sum / pairs;
}

}  // namespace superpos
