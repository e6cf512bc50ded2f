#include "paper/computation_readings.hpp"

#include <algorithm>
#include <cmath>

namespace superpos {

std::vector<NeuronReading> neuron_readings(const ToyModel& model) {
  const Eigen::MatrixXd w = model.weights.cast<double>();  // features x neurons: W1^T
  std::vector<NeuronReading> out(static_cast<std::size_t>(w.cols()));
  for (Eigen::Index j = 0; j < w.cols(); ++j) {
    NeuronReading& r = out[static_cast<std::size_t>(j)];
    const double squared = w.col(j).squaredNorm();
    r.norm = std::sqrt(squared);
    if (squared == 0.0) continue;
    Eigen::Index largest = 0;
    w.col(j).cwiseAbs2().maxCoeff(&largest);
    r.feature = static_cast<int>(largest);
    r.purity = w(largest, j) * w(largest, j) / squared;
  }
  return out;
}

double feature_r2(const ToyModel& model, int feature) {
  constexpr int kPoints = 201;
  const Eigen::VectorXd in = model.weights.row(feature).cast<double>().transpose();
  const Eigen::VectorXd out = model.output_weights.row(feature).cast<double>().transpose();
  const double bias = model.bias[feature];
  double error = 0.0, target_sum = 0.0, target_squares = 0.0;
  for (int k = 0; k < kPoints; ++k) {
    const double x = -1.0 + 2.0 * k / (kPoints - 1), target = std::abs(x);
    const double y = std::max(0.0, out.dot((x * in).cwiseMax(0.0)) + bias);
    error += (y - target) * (y - target);
    target_sum += target;
    target_squares += target * target;
  }
  const double mean = target_sum / kPoints, variance = target_squares / kPoints - mean * mean;
  return 1.0 - (error / kPoints) / variance;
}

ComputationReading read_computation(const ToyModel& model, double min_norm, double purity, double min_r2) {
  ComputationReading r;
  const std::vector<NeuronReading> neurons = neuron_readings(model);
  r.neurons = static_cast<int>(neurons.size());
  for (const NeuronReading& n : neurons) {
    if (n.norm < min_norm) continue;
    ++r.live;
    (n.purity >= purity ? r.monosemantic : r.polysemantic) += 1;
  }
  for (int i = 0; i < model.weights.rows(); ++i) {
    if (feature_r2(model, i) < min_r2) continue;
    ++r.computed;
    bool positive = false, negative = false;
    for (std::size_t j = 0; j < neurons.size(); ++j) {
      const NeuronReading& n = neurons[j];
      if (n.feature != i || n.norm < min_norm || n.purity < purity) continue;
      (model.weights(i, static_cast<Eigen::Index>(j)) > 0.0f ? positive : negative) = true;
    }
    r.sign_pairs += positive && negative ? 1 : 0;
  }
  return r;
}

}  // namespace superpos
