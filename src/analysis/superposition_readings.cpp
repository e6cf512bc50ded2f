#include "analysis/superposition_readings.hpp"

#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <stdexcept>

namespace superpos {
namespace {

Eigen::MatrixXd rows_in_double(const Weights& weights) { return weights.cast<double>(); }

// Angle in degrees between two nonzero rows, 0 to 180.
double angle_between(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const double cosine = std::clamp(a.dot(b) / (a.norm() * b.norm()), -1.0, 1.0);
  return std::acos(cosine) * 180.0 / std::numbers::pi;
}

template <typename Keep>
std::vector<std::pair<int, int>> pairs_where(const Weights& weights, double min_norm, Keep keep) {
  const Eigen::MatrixXd w = rows_in_double(weights);
  std::vector<std::pair<int, int>> pairs;
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    if (w.row(i).norm() < min_norm) continue;
    for (Eigen::Index j = i + 1; j < w.rows(); ++j) {
      if (w.row(j).norm() < min_norm) continue;
      if (keep(angle_between(w.row(i).transpose(), w.row(j).transpose())))
        pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
    }
  }
  return pairs;
}

}  // namespace

int represented_features(const Weights& weights, double min_norm) {
  const Eigen::MatrixXd w = rows_in_double(weights);
  int count = 0;
  for (Eigen::Index i = 0; i < w.rows(); ++i) count += w.row(i).norm() >= min_norm ? 1 : 0;
  return count;
}

double dimensions_per_feature(const Weights& weights) {
  const double frobenius_squared = rows_in_double(weights).squaredNorm();
  if (frobenius_squared <= 0.0) throw std::invalid_argument("dimensions_per_feature: W is zero");
  return static_cast<double>(weights.cols()) / frobenius_squared;
}

std::vector<std::pair<int, int>> antipodal_pairs(const Weights& weights, double min_norm,
                                                 double max_degrees_from_opposite) {
  return pairs_where(weights, min_norm,
                     [&](double degrees) { return degrees >= 180.0 - max_degrees_from_opposite; });
}

std::vector<std::pair<int, int>> orthogonal_pairs(const Weights& weights, double min_norm,
                                                  double max_degrees_from_right_angle) {
  return pairs_where(weights, min_norm,
                     [&](double degrees) { return std::abs(degrees - 90.0) <= max_degrees_from_right_angle; });
}

std::string to_string(SecondFeaturePhase phase) {
  switch (phase) {
    case SecondFeaturePhase::not_represented: return "feature 2 not represented";
    case SecondFeaturePhase::takes_the_dimension: return "feature 2 takes the dimension";
    case SecondFeaturePhase::superposition: return "superposition";
  }
  return "?";
}

SecondFeaturePhase second_feature_phase(const Weights& weights, double min_norm) {
  if (weights.rows() != 2 || weights.cols() != 1)
    throw std::invalid_argument(fmt::format("second_feature_phase: W is {} x {}, not 2 x 1", weights.rows(), weights.cols()));
  const double first = weights(0, 0), second = weights(1, 0);
  const bool first_long = std::abs(first) >= min_norm, second_long = std::abs(second) >= min_norm;
  if (first_long && !second_long) return SecondFeaturePhase::not_represented;
  if (!first_long && second_long) return SecondFeaturePhase::takes_the_dimension;
  if (first_long && second_long && first * second < 0.0) return SecondFeaturePhase::superposition;
  throw std::runtime_error(fmt::format(
      "second_feature_phase: W = ({:.3g}, {:.3g}) is none of the three phases (rows of length {} or more: {})", first,
      second, min_norm, first_long ? "both, on the same side" : "neither"));
}

double share_near(const std::vector<double>& values, const std::vector<double>& targets, double tolerance) {
  if (values.empty()) return 0.0;
  std::size_t near = 0;
  for (const double v : values)
    for (const double t : targets)
      if (std::abs(v - t) <= tolerance) {
        ++near;
        break;
      }
  return static_cast<double>(near) / static_cast<double>(values.size());
}

}  // namespace superpos
