#include "analysis/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace superpos {

double angle_degrees(const Weights& weights, Eigen::Index i, Eigen::Index j) {
  const Eigen::VectorXd a = weights.row(i).cast<double>().transpose();
  const Eigen::VectorXd b = weights.row(j).cast<double>().transpose();
  constexpr double kEps = 1e-8;
  const double cosine = a.dot(b) / std::sqrt(std::max(a.squaredNorm() * b.squaredNorm(), kEps * kEps));
  // Clamp: rounding can push |cosine| a hair above 1, where acos is undefined.
  return std::acos(std::clamp(cosine, -1.0, 1.0)) * 180.0 / std::numbers::pi;
}

double line_angle_degrees(const Weights& weights, Eigen::Index i, Eigen::Index j) {
  const double degrees = angle_degrees(weights, i, j);
  return std::min(degrees, 180.0 - degrees);
}

Geometry analyse(const Weights& weights) {
  const Eigen::MatrixXd w = weights.cast<double>();
  const Eigen::Index features = w.rows();
  Geometry geometry;
  geometry.norms = w.rowwise().norm();
  geometry.interactions = w * w.transpose();
  geometry.interference = geometry.interactions.rowwise().sum() - geometry.interactions.diagonal();
  geometry.angles_degrees = Eigen::MatrixXd::Zero(features, features);
  for (Eigen::Index i = 0; i < features; ++i)
    for (Eigen::Index j = i + 1; j < features; ++j)
      geometry.angles_degrees(i, j) = geometry.angles_degrees(j, i) = angle_degrees(weights, i, j);
  return geometry;
}

}  // namespace superpos
