#include "analysis/feature_measures.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "random/torch_generator.hpp"
#include "train/batch_sampler.hpp"

namespace superpos {

FeatureMeasures feature_measures(const Weights& weights) {
  const Eigen::MatrixXd w = weights.cast<double>();
  const Eigen::MatrixXd dots = w * w.transpose();
  const Eigen::Index n = w.rows();
  FeatureMeasures m;
  m.dimensionality = Eigen::VectorXd::Zero(n);
  m.superposition = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double squared_norm = dots(i, i);
    if (squared_norm <= 0.0) continue;
    // (Ŵ_i · W_j)^2 = (W_i · W_j)^2 / ||W_i||^2
    const double along = dots.row(i).squaredNorm() / squared_norm;
    m.dimensionality[i] = squared_norm / along;
    m.superposition[i] = along - squared_norm;
  }
  return m;
}

std::uint64_t held_out_samples(const TrainSettings& settings) {
  const auto work = static_cast<std::uint64_t>(settings.features) * static_cast<std::uint64_t>(settings.hidden);
  return std::clamp<std::uint64_t>((std::uint64_t{1} << 26) / std::max<std::uint64_t>(work, 1), std::uint64_t{1} << 14,
                                   std::uint64_t{1} << 20);
}

HeldOutEvaluation evaluate_held_out(const ToyModel& model, const TrainSettings& settings, std::uint64_t samples,
                                    std::uint64_t seed) {
  const Eigen::Index n = model.weights.rows();
  const Eigen::VectorXd importance = loss_weights(settings).cast<double>();  // as the run's loss weighs features
  TorchGenerator generator(seed);
  BatchScratch scratch;
  constexpr std::uint64_t kChunk = 8192;
  Eigen::VectorXd energy = Eigen::VectorXd::Zero(n), error = Eigen::VectorXd::Zero(n);
  double loss_sum = 0.0, loss_squares = 0.0, input_energy = 0.0;
  std::vector<double> loss, weighted;  // per sample of a chunk: its weighted loss and input energy
  for (std::uint64_t done = 0; done < samples; done += kChunk) {
    const auto rows = static_cast<Eigen::Index>(std::min(kChunk, samples - done));
    Batch inputs(rows, n);
    draw_batch(generator, settings.sparsity, inputs, scratch, settings.input);
    // The computation model's inputs are uniform on [-1, 1) and its target is |x|.
    const bool absolute = settings.task == Task::absolute_value;
    if (absolute) inputs = inputs.unaryExpr([](float x) { return x != 0.0f ? 2.0f * x - 1.0f : 0.0f; });
    const Batch outputs = reconstruct(model, inputs);
    if (absolute) inputs = inputs.cwiseAbs();
    // Feature by feature down the columns (contiguous), the per-sample sums kept apart: every sum
    // gets its terms in the order a sample-by-sample loop gives them, so the numbers are the same.
    loss.assign(static_cast<std::size_t>(rows), 0.0);
    weighted.assign(static_cast<std::size_t>(rows), 0.0);
    for (Eigen::Index i = 0; i < n; ++i) {
      const float* x_column = inputs.data() + i * rows;
      const float* out_column = outputs.data() + i * rows;
      double energy_i = energy[i], error_i = error[i];
      for (Eigen::Index b = 0; b < rows; ++b) {
        const double x = x_column[b], residual = static_cast<double>(out_column[b]) - x;
        energy_i += x * x;
        error_i += residual * residual;
        loss[static_cast<std::size_t>(b)] += importance[i] * residual * residual;
        weighted[static_cast<std::size_t>(b)] += importance[i] * x * x;
      }
      energy[i] = energy_i;
      error[i] = error_i;
    }
    for (std::size_t b = 0; b < static_cast<std::size_t>(rows); ++b) {
      loss_sum += loss[b];
      loss_squares += loss[b] * loss[b];
      input_energy += weighted[b];
    }
  }
  HeldOutEvaluation e;
  e.samples = samples;
  e.seed = seed;
  const auto count = static_cast<double>(samples);
  e.expected_loss = loss_sum / count;
  const double variance = std::max(0.0, (loss_squares - count * e.expected_loss * e.expected_loss) / (count - 1.0));
  e.expected_loss_error = std::sqrt(variance / count);
  e.input_energy = input_energy / count;
  e.explained_energy = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) e.explained_energy[i] = energy[i] > 0 ? 1.0 - error[i] / energy[i] : 0.0;
  return e;
}

}  // namespace superpos
