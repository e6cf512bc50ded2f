#include "model/computation_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

// Sixteen float lanes (one AVX-512 register, two AVX2 ones, four SSE ones): every operation is lane
// by lane and no multiply is fused with an add (-ffp-contract=off), so each clone of the kernel
// gives the same bits.
using f16 = float __attribute__((vector_size(64)));
constexpr std::size_t kWide = 16;

[[gnu::always_inline]] inline f16 load16(const float* p) {
  f16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store16(float* p, f16 v) { std::memcpy(p, &v, sizeof v); }

std::size_t padded(std::size_t n) { return (n + kWide - 1) / kWide * kWide; }

// out[0 .. 16 C) = (out +) sum over k < count of a_k * v_k[0 .. 16 C), where term(k) gives the pair
// (a_k, v_k): the terms in order into two sums (even and odd k) added at the end, so that the
// accumulators stay in registers and two chains keep the adder busy where one would wait on its
// own latency. Each lane's sum is in the same order whatever C, so wide rows may go in parts.
template <int C, typename Term>
[[gnu::always_inline]] inline void weighted_sum(float* out, bool add_to_out, std::size_t count, const Term& term) {
  f16 even[C], odd[C];
  for (int c = 0; c < C; ++c) even[c] = odd[c] = f16{};
  std::size_t k = 0;
  for (; k + 1 < count; k += 2) {
    const auto [a, va] = term(k);
    const auto [b, vb] = term(k + 1);
    for (int c = 0; c < C; ++c) {
      even[c] += a * load16(va + c * kWide);
      odd[c] += b * load16(vb + c * kWide);
    }
  }
  if (k < count) {
    const auto [a, va] = term(k);
    for (int c = 0; c < C; ++c) even[c] += a * load16(va + c * kWide);
  }
  for (int c = 0; c < C; ++c)
    store16(out + c * kWide, add_to_out ? load16(out + c * kWide) + (even[c] + odd[c]) : even[c] + odd[c]);
}

// The same for rows of `chunks` vectors: the widths up to 8 unrolled, wider rows 8 chunks at a
// time and then one at a time.
template <typename Term>
[[gnu::always_inline]] inline void weighted_sum(float* out, std::size_t chunks, bool add_to_out, std::size_t count,
                                                const Term& term) {
  switch (chunks) {
    case 1: return weighted_sum<1>(out, add_to_out, count, term);
    case 2: return weighted_sum<2>(out, add_to_out, count, term);
    case 3: return weighted_sum<3>(out, add_to_out, count, term);
    case 4: return weighted_sum<4>(out, add_to_out, count, term);
    case 5: return weighted_sum<5>(out, add_to_out, count, term);
    case 6: return weighted_sum<6>(out, add_to_out, count, term);
    case 7: return weighted_sum<7>(out, add_to_out, count, term);
    case 8: return weighted_sum<8>(out, add_to_out, count, term);
    default: {
      std::size_t c = 0;
      auto part = [&](std::size_t k) {
        const auto [a, v] = term(k);
        return std::pair<float, const float*>(a, v + c * kWide);
      };
      for (; c + 8 <= chunks; c += 8) weighted_sum<8>(out + c * kWide, add_to_out, count, part);
      for (; c < chunks; ++c) weighted_sum<1>(out + c * kWide, add_to_out, count, part);
    }
  }
}

// out = sum over the listed rows k of scale[k] * rows[k * stride ...]: a row's forward or backward sum.
[[gnu::always_inline]] inline void gather(float* out, std::size_t chunks, const float* rows, std::size_t stride,
                                          const std::uint32_t* index, std::size_t count, const float* scale) {
  weighted_sum(out, chunks, false, count, [&](std::size_t k) {
    return std::pair<float, const float*>(scale[index[k]], rows + index[k] * stride);
  });
}

// out += sum over rows r < count of coefficient[r * step] * vectors[r * stride ...]: a block of
// batch rows added into one gradient row.
[[gnu::always_inline]] inline void add_rows(float* out, std::size_t chunks, const float* coefficient, std::size_t step,
                                            const float* vectors, std::size_t stride, std::size_t count) {
  weighted_sum(out, chunks, true, count, [&](std::size_t r) {
    return std::pair<float, const float*>(coefficient[r * step], vectors + r * stride);
  });
}

// The indices k < n with value[k] passing `test`, branch-free (a coin flip mispredicts a branch).
template <typename Test>
[[gnu::always_inline]] inline std::size_t select(std::uint32_t* out, const float* value, std::size_t n, Test test) {
  std::size_t count = 0;
  for (std::size_t k = 0; k < n; ++k) {
    out[count] = static_cast<std::uint32_t>(k);
    count += test(value[k]);
  }
  return count;
}

// The model's parameters padded to whole vectors: W1^T and W2 (features x neurons, rows of
// padded(neurons)), W2^T (neurons x features, rows of padded(features)), b (padded(features)).
struct Padded {
  std::size_t features, neurons, wide_neurons, wide_features;
  std::vector<float>* input;
  std::vector<float>* output;
  std::vector<float>* output_by_neuron;
  std::vector<float>* bias;
};

void pad_parameters(const ToyModel& model, ComputationScratch& s, Padded& p) {
  p.features = static_cast<std::size_t>(model.weights.rows());
  p.neurons = static_cast<std::size_t>(model.weights.cols());
  p.wide_neurons = padded(p.neurons);
  p.wide_features = padded(p.features);
  s.input_padded.assign(p.features * p.wide_neurons, 0.0f);
  s.output_padded.assign(p.features * p.wide_neurons, 0.0f);
  s.output_by_neuron.assign(p.neurons * p.wide_features, 0.0f);
  s.bias_padded.assign(p.wide_features, 0.0f);
  for (std::size_t i = 0; i < p.features; ++i) {
    s.bias_padded[i] = model.bias[static_cast<Eigen::Index>(i)];
    for (std::size_t j = 0; j < p.neurons; ++j) {
      const auto row = static_cast<Eigen::Index>(i), column = static_cast<Eigen::Index>(j);
      s.input_padded[i * p.wide_neurons + j] = model.weights(row, column);
      s.output_padded[i * p.wide_neurons + j] = model.output_weights(row, column);
      s.output_by_neuron[j * p.wide_features + i] = model.output_weights(row, column);
    }
  }
  p.input = &s.input_padded;
  p.output = &s.output_padded;
  p.output_by_neuron = &s.output_by_neuron;
  p.bias = &s.bias_padded;
}

// The forward pass of row x (its `features` values): s.hidden after the ReLU, s.output before the
// output ReLU, s.present and s.active (counts returned through the references). False when no
// feature is present (then nothing is written).
[[gnu::always_inline]] inline bool forward_row(const float* x, const Padded& p, ComputationScratch& s, std::size_t& present,
                                               std::size_t& active) {
  present = select(s.present.data(), x, p.features, [](float v) { return v != 0.0f; });
  if (present == 0) return false;
  gather(s.hidden.data(), p.wide_neurons / kWide, p.input->data(), p.wide_neurons, s.present.data(), present, x);
  for (std::size_t j = 0; j < p.wide_neurons; ++j) s.hidden[j] = std::max(s.hidden[j], 0.0f);  // the ReLU
  active = select(s.active.data(), s.hidden.data(), p.neurons, [](float v) { return v > 0.0f; });
  gather(s.output.data(), p.wide_features / kWide, p.output_by_neuron->data(), p.wide_features, s.active.data(), active,
         s.hidden.data());
  for (std::size_t i = 0; i < p.wide_features; ++i) s.output[i] += (*p.bias)[i];
  return true;
}

void size_scratch(const Padded& p, ComputationScratch& s) {
  s.hidden.assign(p.wide_neurons, 0.0f);
  s.hidden_gradient.assign(p.wide_neurons, 0.0f);
  s.output.assign(p.wide_features, 0.0f);
  s.gradient.assign(p.wide_features, 0.0f);
  s.present.resize(p.features);
  s.active.resize(p.neurons);
  s.passing.resize(p.features);
}

}  // namespace

Batch compute_absolute(const ToyModel& model, const Batch& inputs) {
  ComputationScratch s;
  Padded p{};
  pad_parameters(model, s, p);
  size_scratch(p, s);
  std::vector<float> x(p.features);
  Batch out(inputs.rows(), inputs.cols());
  for (Eigen::Index b = 0; b < inputs.rows(); ++b) {
    for (std::size_t i = 0; i < p.features; ++i) x[i] = inputs(b, static_cast<Eigen::Index>(i));
    std::size_t present = 0, active = 0;
    if (!forward_row(x.data(), p, s, present, active)) std::copy(s.bias_padded.begin(), s.bias_padded.end(), s.output.begin());
    for (std::size_t i = 0; i < p.features; ++i) out(b, static_cast<Eigen::Index>(i)) = std::max(s.output[i], 0.0f);
  }
  return out;
}

// Each width the CPU has (the lanes hold separate outputs, so every clone gives the same bits).
// Rows go through in blocks: each row's forward pass and d loss / d h first, then the block's rows
// added into each gradient row that any of them touches, in row order, so that a gradient row is
// loaded and stored once a block instead of once a row (the stores were a third of the time).
SUPERPOS_SIMD_CLONES_AVX512
void computation_loss_and_gradients(const ToyModel& model, const float* rows, std::size_t stride, std::size_t batch,
                                    const Eigen::VectorXf& loss_weights, ComputationScratch& s, Gradients& out,
                                    std::uint64_t* present_inputs, std::uint64_t* nonempty_rows) {
  constexpr std::size_t kBlock = 8;
  Padded p{};
  pad_parameters(model, s, p);
  size_scratch(p, s);
  const std::size_t features = p.features, neurons = p.neurons, wn = p.wide_neurons, wf = p.wide_features;
  const std::size_t neuron_chunks = wn / kWide, feature_chunks = wf / kWide;
  s.grad_output_by_neuron.assign(neurons * wf, 0.0f);
  s.grad_input.assign(features * wn, 0.0f);
  s.bias_sum.assign(wf, 0.0f);
  s.loss_sum.assign(wf, 0.0f);
  s.block_hidden.assign(kBlock * wn, 0.0f);
  s.block_hidden_gradient.assign(kBlock * wn, 0.0f);
  s.block_gradient.assign(kBlock * wf, 0.0f);
  s.block_rows.resize(kBlock);
  s.block_x.assign(kBlock * wf, 0.0f);
  s.touched.resize(std::max(features, neurons));
  std::vector<std::uint8_t>& mark = s.mark;
  mark.assign(std::max(features, neurons), 0);
  // d loss / d y_i for one row is 2 w_i (y_i - |x_i|) / batch where the output ReLU passes.
  std::vector<float> scale(wf, 0.0f), x(wf, 0.0f);
  for (std::size_t i = 0; i < features; ++i) scale[i] = 2.0f * loss_weights[static_cast<Eigen::Index>(i)] / static_cast<float>(batch);

  std::size_t empty_rows = 0;
  std::uint64_t present_count = 0;
  for (std::size_t b0 = 0; b0 < batch; b0 += kBlock) {
    std::size_t filled = 0;  // rows of this block with a feature present
    for (std::size_t b = b0; b < std::min(batch, b0 + kBlock); ++b) {
      const float* row = rows + b * stride;
      std::size_t present = 0, active = 0;
      if (!forward_row(row, p, s, present, active)) {
        ++empty_rows;
        continue;
      }
      present_count += present;
      std::copy(row, row + features, x.begin());
      std::copy(x.begin(), x.end(), s.block_x.begin() + static_cast<std::ptrdiff_t>(filled * wf));
      float* g = s.block_gradient.data() + filled * wf;
      for (std::size_t c = 0; c < feature_chunks; ++c) {
        const f16 o = load16(s.output.data() + c * kWide), target = load16(x.data() + c * kWide);
        const f16 zero{};
        const f16 y = o > zero ? o : zero;
        const f16 magnitude = target < zero ? -target : target;
        const f16 residual = y - magnitude;
        const f16 gradient = o > zero ? residual * load16(scale.data() + c * kWide) : zero;
        store16(g + c * kWide, gradient);
        store16(s.loss_sum.data() + c * kWide, load16(s.loss_sum.data() + c * kWide) + residual * residual);
        store16(s.bias_sum.data() + c * kWide, load16(s.bias_sum.data() + c * kWide) + gradient);
      }
      // d loss / d h = g W2, kept where the hidden ReLU passed.
      const std::size_t passing = select(s.passing.data(), g, features, [](float v) { return v != 0.0f; });
      float* dh = s.block_hidden_gradient.data() + filled * wn;
      gather(dh, neuron_chunks, p.output->data(), wn, s.passing.data(), passing, g);
      for (std::size_t j = 0; j < wn; ++j) dh[j] = s.hidden[j] > 0.0f ? dh[j] : 0.0f;
      std::copy(s.hidden.begin(), s.hidden.end(), s.block_hidden.begin() + static_cast<std::ptrdiff_t>(filled * wn));
      s.block_rows[filled] = row;
      ++filled;
    }
    if (filled == 0) continue;
    // d loss / d W2^T += h^T g, and d loss / d W1^T += x^T (d loss / d h), row by row in order.
    // A row whose h_j or x_i is 0 adds a zero term, which changes no sum (at most a zero's sign):
    // the loops stay branch-free, and only gradient rows some row of the block touches are visited.
    std::fill(mark.begin(), mark.end(), 0);
    for (std::size_t r = 0; r < filled; ++r)
      for (std::size_t j = 0; j < neurons; ++j) mark[j] |= s.block_hidden[r * wn + j] > 0.0f;
    std::size_t touched = 0;
    for (std::size_t j = 0; j < neurons; ++j) {
      s.touched[touched] = static_cast<std::uint32_t>(j);
      touched += mark[j];
    }
    for (std::size_t k = 0; k < touched; ++k) {
      const std::uint32_t j = s.touched[k];
      add_rows(s.grad_output_by_neuron.data() + j * wf, feature_chunks, s.block_hidden.data() + j, wn,
                   s.block_gradient.data(), wf, filled);
    }
    std::fill(mark.begin(), mark.end(), 0);
    for (std::size_t r = 0; r < filled; ++r)
      for (std::size_t i = 0; i < features; ++i) mark[i] |= s.block_rows[r][i] != 0.0f;
    touched = 0;
    for (std::size_t i = 0; i < features; ++i) {
      s.touched[touched] = static_cast<std::uint32_t>(i);
      touched += mark[i];
    }
    for (std::size_t k = 0; k < touched; ++k) {
      const std::uint32_t i = s.touched[k];
      add_rows(s.grad_input.data() + i * wn, neuron_chunks, s.block_x.data() + i, wf, s.block_hidden_gradient.data(), wn,
                   filled);
    }
  }
  // The rows with no feature present all give y = ReLU(b): their share, added once.
  std::vector<double> loss_by_feature(features), grad_bias(features);
  const float* bias = model.bias.data();
  for (std::size_t i = 0; i < features; ++i) {
    const float y = std::max(bias[i], 0.0f);
    loss_by_feature[i] = static_cast<double>(s.loss_sum[i]) + static_cast<double>(empty_rows) * y * y;
    grad_bias[i] = static_cast<double>(s.bias_sum[i]) +
                   static_cast<double>(empty_rows) * static_cast<double>(bias[i] > 0.0f ? y * scale[i] : 0.0f);
  }
  double loss = 0.0;
  for (std::size_t i = 0; i < features; ++i) loss += static_cast<double>(loss_weights[static_cast<Eigen::Index>(i)]) * loss_by_feature[i];
  out.loss = loss / static_cast<double>(batch);
  out.weights.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(neurons));
  out.output_weights.resize(static_cast<Eigen::Index>(features), static_cast<Eigen::Index>(neurons));
  out.bias.resize(static_cast<Eigen::Index>(features));
  for (std::size_t i = 0; i < features; ++i) {
    out.bias[static_cast<Eigen::Index>(i)] = static_cast<float>(grad_bias[i]);
    for (std::size_t j = 0; j < neurons; ++j) {
      const auto row = static_cast<Eigen::Index>(i), column = static_cast<Eigen::Index>(j);
      out.weights(row, column) = s.grad_input[i * wn + j];
      out.output_weights(row, column) = s.grad_output_by_neuron[j * wf + i];
    }
  }
  if (present_inputs) *present_inputs += present_count;
  if (nonempty_rows) *nonempty_rows += batch - empty_rows;
}

}  // namespace superpos
