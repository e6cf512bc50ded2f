#include "model/batch_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "simd/lanes.hpp"

namespace superpos {
namespace {

using simd::d4;
using simd::f8;
using simd::i8;
using simd::load4;
using simd::load8;
using simd::store4;
using simd::store8;
using simd::low_half;
using simd::high_half;
constexpr std::size_t kLanes = simd::kFloatLanes;

// partial[0..3] += low lanes, partial[4..7] += high lanes.
[[gnu::always_inline]] inline void accumulate(double* partial, d4 low, d4 high) {
  store4(partial, load4(partial) + low);
  store4(partial + 4, load4(partial + 4) + high);
}

// kFeatures and kHidden, when not 0, fix the shape at compile time so that the compiler unrolls
// the small loops over features and hidden units completely.
template <std::size_t kFeatures, std::size_t kHidden>
[[gnu::always_inline]] inline void kernel_body(const float* weights, const float* bias, bool relu,
                                               const float* x_columns, const float* importance, KernelShape shape,
                                               KernelScratch& scratch, double* grad_weights, double* grad_bias,
                                               double* loss_sum) {
  const std::size_t batch = shape.batch;
  const std::size_t features = kFeatures != 0 ? kFeatures : shape.features;
  const std::size_t hidden = kHidden != 0 ? kHidden : shape.hidden;
  // d loss / d x_hat_i = 2 importance_i (x_hat_i - x_i) / batch; 1/batch is exact for powers of 2.
  const float inv_batch = 1.0f / static_cast<float>(batch);

  // Samples go through in groups of kGroup vectors (64 samples): forward and backward one vector at
  // a time, then the double-precision batch sums for the whole group, so that each running sum is
  // loaded and stored once per 64 samples rather than once per 8.
  constexpr std::size_t kGroup = 8;
  constexpr std::size_t kSpan = kGroup * kLanes;
  const std::size_t columns = 2 * features + 2 * hidden;  // x, grad z, h, grad h
  scratch.blocks.assign(columns * kSpan, 0.0f);
  float* xs = scratch.blocks.data();
  float* gzs = xs + features * kSpan;
  float* hs = gzs + features * kSpan;
  float* ghs = hs + hidden * kSpan;
  // Running sums, 8 lanes each (lane j sums the samples b with b % 8 == j, b ascending): grad W
  // (features * hidden), grad b (features), loss (1). Then the group's columns widened to double.
  const std::size_t sums = features * hidden + features + 1;
  scratch.partials.assign(sums * kLanes + columns * kSpan, 0.0);
  double* partial_w = scratch.partials.data();
  double* partial_b = partial_w + features * hidden * kLanes;
  double* partial_loss = partial_b + features * kLanes;
  double* wide = partial_loss + kLanes;  // same layout as xs..ghs
  const f8 zero = {};

  for (std::size_t start = 0; start < batch; start += kSpan) {
    const std::size_t in_group = std::min(kSpan, batch - start);
    const std::size_t vectors = (in_group + kLanes - 1) / kLanes;
    // The last group of a batch that is not a multiple of 64 is padded with zeros; padded lanes
    // get zero gradient and zero loss below.
    for (std::size_t i = 0; i < features; ++i) {
      const float* column = x_columns + i * batch + start;
      std::copy_n(column, in_group, xs + i * kSpan);
      std::fill(xs + i * kSpan + in_group, xs + (i + 1) * kSpan, 0.0f);
    }

    for (std::size_t v = 0; v < vectors; ++v) {
      const std::size_t at = v * kLanes;
      i8 valid;
      for (std::size_t j = 0; j < kLanes; ++j) valid[j] = at + j < in_group ? -1 : 0;

      // h_k = sum_i x_i W_ik, i ascending from 0, as the per-sample code sums it.
      for (std::size_t k = 0; k < hidden; ++k) {
        f8 h = {};
        for (std::size_t i = 0; i < features; ++i) h += load8(xs + i * kSpan + at) * weights[i * hidden + k];
        store8(hs + k * kSpan + at, h);
      }

      f8 sample_loss = {};
      for (std::size_t i = 0; i < features; ++i) {
        f8 z = {};
        for (std::size_t k = 0; k < hidden; ++k) z += load8(hs + k * kSpan + at) * weights[i * hidden + k];
        const f8 pre = z + bias[i];
        const i8 positive = pre > 0.0f;
        const f8 out = relu ? (positive ? pre : zero) : pre;
        const f8 error = out - load8(xs + i * kSpan + at);
        sample_loss += importance[i] * (error * error);
        // ReLU passes gradient only where its output is positive, as torch's threshold_backward.
        const f8 grad = (inv_batch * importance[i]) * (2.0f * error);
        const i8 passes = (relu ? positive : i8{} - 1) & valid;
        store8(gzs + i * kSpan + at, passes ? grad : zero);
      }
      sample_loss = valid ? sample_loss : zero;
      accumulate(partial_loss, low_half(sample_loss), high_half(sample_loss));

      for (std::size_t k = 0; k < hidden; ++k) {
        f8 gh = {};
        for (std::size_t i = 0; i < features; ++i) gh += load8(gzs + i * kSpan + at) * weights[i * hidden + k];
        store8(ghs + k * kSpan + at, gh);
      }
    }

    // Batch sums in double, where each product of two floats is exact. W appears twice: in the
    // decoder (z = h W^T) and in the encoder (h = x W).
    const std::size_t used = vectors * kLanes;
    for (std::size_t c = 0; c < columns; ++c)
      for (std::size_t b = 0; b < used; ++b) wide[c * kSpan + b] = static_cast<double>(xs[c * kSpan + b]);
    const double* x_wide = wide;
    const double* gz_wide = x_wide + features * kSpan;
    const double* h_wide = gz_wide + features * kSpan;
    const double* gh_wide = h_wide + hidden * kSpan;
    for (std::size_t i = 0; i < features; ++i) {
      const double* gz = gz_wide + i * kSpan;
      const double* x = x_wide + i * kSpan;
      d4 low = load4(partial_b + i * kLanes), high = load4(partial_b + i * kLanes + 4);
      for (std::size_t b = 0; b < used; b += kLanes) {
        low += load4(gz + b);
        high += load4(gz + b + 4);
      }
      store4(partial_b + i * kLanes, low);
      store4(partial_b + i * kLanes + 4, high);
      for (std::size_t k = 0; k < hidden; ++k) {
        double* partial = partial_w + (i * hidden + k) * kLanes;
        const double* h = h_wide + k * kSpan;
        const double* gh = gh_wide + k * kSpan;
        d4 sum_low = load4(partial), sum_high = load4(partial + 4);
        for (std::size_t b = 0; b < used; b += kLanes) {
          sum_low += load4(gz + b) * load4(h + b);
          sum_high += load4(gz + b + 4) * load4(h + b + 4);
          sum_low += load4(x + b) * load4(gh + b);
          sum_high += load4(x + b + 4) * load4(gh + b + 4);
        }
        store4(partial, sum_low);
        store4(partial + 4, sum_high);
      }
    }
  }

  auto total = [](const double* partial) {
    double sum = 0.0;
    for (std::size_t j = 0; j < kLanes; ++j) sum += partial[j];
    return sum;
  };
  for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = total(partial_w + p * kLanes);
  for (std::size_t i = 0; i < features; ++i) grad_bias[i] = total(partial_b + i * kLanes);
  *loss_sum = total(partial_loss);
}

}  // namespace

SUPERPOS_SIMD_CLONES
void batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                  const float* importance, KernelShape shape, KernelScratch& scratch, double* grad_weights,
                  double* grad_bias, double* loss_sum) {
  // The article's shape, unrolled; every other shape takes the general loops. Both compute the
  // same operations in the same order.
  if (shape.features == 5 && shape.hidden == 2)
    kernel_body<5, 2>(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
  else
    kernel_body<0, 0>(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
}

}  // namespace superpos
