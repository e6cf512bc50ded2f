#include "model/computation_model.hpp"

#include <algorithm>
#include <cmath>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

// out[0..n) += a * v[0..n): one lane per output, so any vector width gives the same bits.
[[gnu::always_inline]] inline void add_scaled(float* __restrict out, float a, const float* __restrict v, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) out[k] += a * v[k];
}

// The forward pass of one row: hidden (neurons) and output (features, before the output ReLU);
// `present` gets the row's present features. Returns whether any feature is present.
[[gnu::always_inline]] inline bool forward_row(const float* x, std::size_t features, std::size_t neurons, const float* input_weights,
                 const float* output_by_neuron, const float* bias, float* hidden, float* output,
                 std::vector<std::uint32_t>& present, std::vector<std::uint32_t>& active) {
  // Branch-free: whether a feature is present is a coin flip, which a branch mispredicts.
  present.resize(features);
  std::size_t count = 0;
  for (std::size_t i = 0; i < features; ++i) {
    present[count] = static_cast<std::uint32_t>(i);
    count += x[i] != 0.0f;
  }
  present.resize(count);
  if (count == 0) return false;
  std::fill(hidden, hidden + neurons, 0.0f);
  for (const std::uint32_t i : present) add_scaled(hidden, x[i], input_weights + i * neurons, neurons);
  active.resize(neurons);
  std::size_t on = 0;
  for (std::size_t j = 0; j < neurons; ++j) {
    active[on] = static_cast<std::uint32_t>(j);
    on += hidden[j] > 0.0f;
    hidden[j] = std::max(hidden[j], 0.0f);  // the ReLU; h_j = 0 passes no gradient back either
  }
  active.resize(on);
  std::fill(output, output + features, 0.0f);
  for (const std::uint32_t j : active) add_scaled(output, hidden[j], output_by_neuron + j * features, features);
  for (std::size_t i = 0; i < features; ++i) output[i] += bias[i];
  return true;
}

}  // namespace

Batch compute_absolute(const ToyModel& model, const Batch& inputs) {
  const auto features = static_cast<std::size_t>(model.weights.rows()), neurons = static_cast<std::size_t>(model.weights.cols());
  const Weights by_neuron = model.output_weights.transpose();
  std::vector<float> x(features), hidden(neurons), output(features);
  std::vector<std::uint32_t> present, active;
  Batch out(inputs.rows(), inputs.cols());
  for (Eigen::Index b = 0; b < inputs.rows(); ++b) {
    for (std::size_t i = 0; i < features; ++i) x[i] = inputs(b, static_cast<Eigen::Index>(i));
    if (!forward_row(x.data(), features, neurons, model.weights.data(), by_neuron.data(), model.bias.data(),
                     hidden.data(), output.data(), present, active))
      std::copy(model.bias.data(), model.bias.data() + features, output.begin());
    for (std::size_t i = 0; i < features; ++i) out(b, static_cast<Eigen::Index>(i)) = std::max(output[i], 0.0f);
  }
  return out;
}

// Each width the CPU has (the lanes hold separate outputs, so every clone gives the same bits).
SUPERPOS_SIMD_CLONES_AVX512
void computation_loss_and_gradients(const ToyModel& model, const float* rows, std::size_t stride, std::size_t batch,
                                    const Eigen::VectorXf& loss_weights, ComputationScratch& s, Gradients& out,
                                    std::uint64_t* present_inputs, std::uint64_t* nonempty_rows) {
  const auto features = static_cast<std::size_t>(model.weights.rows()), neurons = static_cast<std::size_t>(model.weights.cols());
  const float* input_weights = model.weights.data();
  const float* output_weights = model.output_weights.data();
  const float* bias = model.bias.data();
  s.output_by_neuron.resize(neurons * features);
  for (std::size_t i = 0; i < features; ++i)
    for (std::size_t j = 0; j < neurons; ++j) s.output_by_neuron[j * features + i] = output_weights[i * neurons + j];
  s.hidden.resize(neurons);
  s.hidden_gradient.resize(neurons);
  s.output.resize(features);
  s.gradient.resize(features);
  s.grad_output_by_neuron.assign(neurons * features, 0.0f);
  s.grad_input.assign(features * neurons, 0.0f);
  s.grad_bias.assign(features, 0.0);
  // d loss / d y_i for one row is 2 w_i (y_i - |x_i|) / batch where the output ReLU passes.
  std::vector<float> scale(features);
  for (std::size_t i = 0; i < features; ++i) scale[i] = 2.0f * loss_weights[static_cast<Eigen::Index>(i)] / static_cast<float>(batch);

  std::vector<double>& loss_by_feature = s.loss_by_feature;
  loss_by_feature.assign(features, 0.0);
  std::size_t empty_rows = 0;
  std::uint64_t present_count = 0;
  for (std::size_t b = 0; b < batch; ++b) {
    const float* x = rows + b * stride;
    if (!forward_row(x, features, neurons, input_weights, s.output_by_neuron.data(), bias, s.hidden.data(),
                     s.output.data(), s.present, s.active)) {
      ++empty_rows;
      continue;
    }
    present_count += s.present.size();
    // Per feature, summed over the rows in double: lanes are features, so this vectorises.
    for (std::size_t i = 0; i < features; ++i) {
      const float y = std::max(s.output[i], 0.0f), residual = y - std::fabs(x[i]);
      loss_by_feature[i] += static_cast<double>(residual) * residual;
      s.gradient[i] = s.output[i] > 0.0f ? residual * scale[i] : 0.0f;
      s.grad_bias[i] += s.gradient[i];
    }
    s.passing.resize(features);
    std::size_t passing = 0;
    for (std::size_t i = 0; i < features; ++i) {
      s.passing[passing] = static_cast<std::uint32_t>(i);
      passing += s.gradient[i] != 0.0f;
    }
    s.passing.resize(passing);
    for (const std::uint32_t j : s.active)
      add_scaled(s.grad_output_by_neuron.data() + j * features, s.hidden[j], s.gradient.data(), features);
    // d loss / d h = g W2, kept where the hidden ReLU passed; then d loss / d W1^T += x^T (that).
    std::fill(s.hidden_gradient.begin(), s.hidden_gradient.end(), 0.0f);
    for (const std::uint32_t i : s.passing)
      add_scaled(s.hidden_gradient.data(), s.gradient[i], output_weights + i * neurons, neurons);
    for (std::size_t j = 0; j < neurons; ++j)
      if (!(s.hidden[j] > 0.0f)) s.hidden_gradient[j] = 0.0f;
    for (const std::uint32_t i : s.present)
      add_scaled(s.grad_input.data() + i * neurons, x[i], s.hidden_gradient.data(), neurons);
  }
  // The rows with no feature present all give y = ReLU(b): their share, added once.
  if (empty_rows > 0) {
    for (std::size_t i = 0; i < features; ++i) {
      const float y = std::max(bias[i], 0.0f);
      loss_by_feature[i] += static_cast<double>(empty_rows) * y * y;
      s.grad_bias[i] += static_cast<double>(empty_rows) * static_cast<double>(bias[i] > 0.0f ? y * scale[i] : 0.0f);
    }
  }
  double loss = 0.0;
  for (std::size_t i = 0; i < features; ++i) loss += static_cast<double>(loss_weights[static_cast<Eigen::Index>(i)]) * loss_by_feature[i];
  out.loss = loss / static_cast<double>(batch);
  out.weights.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(neurons));
  out.output_weights.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(neurons));
  out.bias.resize(static_cast<Eigen::Index>(features));
  std::copy(s.grad_input.begin(), s.grad_input.end(), out.weights.data());
  for (std::size_t i = 0; i < features; ++i) {
    out.bias[static_cast<Eigen::Index>(i)] = static_cast<float>(s.grad_bias[i]);
    for (std::size_t j = 0; j < neurons; ++j)
      out.output_weights(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = s.grad_output_by_neuron[j * features + i];
  }
  if (present_inputs) *present_inputs += present_count;
  if (nonempty_rows) *nonempty_rows += batch - empty_rows;
}

}  // namespace superpos
