#include "model/large_batch_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "model/large_kernel_blocks.hpp"
#include "model/large_kernel_sparse.hpp"

namespace superpos {
namespace {

#if SUPERPOS_X86_VARIANTS
// The register blocks of each vector width: V, and how many outputs share a load. AVX-512 has 32
// registers: 2 x 10 accumulators in the products and 4 x 4 in the dot products. Measured on an
// AMD Zen 5 core, whose AVX-512 units are full width: in a loop of products alone, 2 x 10 ran at
// 70-76 GFLOP/s against 65-70 for 2 x 8, 2 x 12 and 3 x 8, 52 for 1 x 20, and 33 for AVX2's
// 2 x 6; in the kernel at 400 x 40 each dense product takes ~0.19 s per 1,000 steps.
struct Wide {
  using V = f16;
  static constexpr std::size_t kProductOutputs = 10, kDotRows = 4, kDotColumns = 4;
  static constexpr auto nonzero_lists = nonzero_lists_avx512;
};
#endif
// AVX2 and the baseline have 16 registers: 2 x 6 in the products and 2 x 2 in the dot products
// (two accumulators per output, one per half group).
struct Narrow {
  using V = f8;
  static constexpr std::size_t kProductOutputs = 6, kDotRows = 2, kDotColumns = 2;
  static constexpr auto nonzero_lists = nonzero_lists_scalar;
};

template <typename W>
[[gnu::always_inline]] inline void kernel_body(const float* weights, const float* bias, bool relu,
                                               const float* x_columns, const float* importance,
                                               KernelShape shape, LargeKernelScratch& s,
                                               double* grad_weights, double* grad_bias, double* loss_sum) {
  const std::size_t batch = shape.batch, features = shape.features, hidden = shape.hidden;
  const std::size_t ld = (batch + kGroup - 1) / kGroup * kGroup;
  const float* x = x_columns;
  if (ld != batch) {  // pad each column to whole vectors with zeros
    s.x_padded.assign(features * ld, 0.0f);
    for (std::size_t i = 0; i < features; ++i) std::copy_n(x_columns + i * batch, batch, s.x_padded.data() + i * ld);
    x = s.x_padded.data();
  }
  s.hidden.resize(hidden * ld);
  s.grad_output.resize(features * ld);
  s.grad_hidden.resize(hidden * ld);
  s.weights_t.resize(hidden * features);
  s.grad_w.assign(features * hidden, 0.0f);
  for (std::size_t i = 0; i < features; ++i)
    for (std::size_t k = 0; k < hidden; ++k) s.weights_t[k * features + i] = weights[i * hidden + k];

  // Below a quarter of the entries nonzero, x W and x^T grad_h go over the input's nonzeros alone:
  // at sparsity 0.9 that is a tenth of the work of the dense products.
  std::size_t count = 0;
  for (std::size_t p = 0; p < features * ld; ++p) count += x[p] != 0.0f;
  // The products over nonzero lists read and write a sample's whole row of h or grad_h at once:
  // rows padded with zeros to whole groups of 16 floats, up to 64 hidden units.
  const std::size_t stride = (hidden + kGroup - 1) / kGroup * kGroup;
  const bool sparse = stride <= kMaxSparseGroups * kGroup && 4 * count < batch * features;
  using V = typename W::V;
  if (sparse) {
    s.nonzero_start.resize(features + 1);
    s.nonzero_sample.resize(features * ld + kGroup);
    s.nonzero_value.resize(features * ld + kGroup);
    W::nonzero_lists(x, ld, features, s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data());
    s.padded.assign(features * stride, 0.0f);
    for (std::size_t i = 0; i < features; ++i) std::copy_n(weights + i * hidden, hidden, s.padded.data() + i * stride);
  }

  // h = x W
  if (sparse) {
    s.rows.assign(ld * stride, 0.0f);
    scatter_all<V>(s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data(), features,
                   s.padded.data(), stride, s.rows.data());
    for (std::size_t k = 0; k < hidden; ++k)
      for (std::size_t b = 0; b < ld; ++b) s.hidden[k * ld + b] = s.rows[b * stride + k];
  } else {
    small_product<W>(x, ld, features, weights, hidden, s.hidden.data());
  }

  // z = h W^T, then the loss and d loss / d z in place.
  small_product<W>(s.hidden.data(), ld, hidden, s.weights_t.data(), features, s.grad_output.data());
  *loss_sum = loss_and_output_gradient<W>(s.grad_output.data(), x, bias, importance, relu, features, batch, ld,
                                         grad_bias);

  // grad_h = grad_z W; grad W = grad_z^T h (decoder) + x^T grad_h (encoder).
  small_product<W>(s.grad_output.data(), ld, features, weights, hidden, s.grad_hidden.data());
  column_dots<W>(s.grad_output.data(), features, s.hidden.data(), hidden, ld, s.grad_w.data());
  if (sparse) {
    for (std::size_t b = 0; b < ld; ++b)
      for (std::size_t k = 0; k < hidden; ++k) s.rows[b * stride + k] = s.grad_hidden[k * ld + b];
    for (std::size_t i = 0; i < features; ++i) std::copy_n(s.grad_w.data() + i * hidden, hidden, s.padded.data() + i * stride);
    gather_all<V>(s.nonzero_start.data(), s.nonzero_sample.data(), s.nonzero_value.data(), features, s.rows.data(),
                  stride, s.padded.data());
    for (std::size_t i = 0; i < features; ++i) std::copy_n(s.padded.data() + i * stride, hidden, s.grad_w.data() + i * hidden);
  } else {
    column_dots<W>(x, features, s.grad_hidden.data(), hidden, ld, s.grad_w.data());
  }
  for (std::size_t p = 0; p < features * hidden; ++p) grad_weights[p] = s.grad_w[p];
}

using Kernel = void (*)(const float*, const float*, bool, const float*, const float*, KernelShape,
                        LargeKernelScratch&, double*, double*, double*);

#if SUPERPOS_X86_VARIANTS
__attribute__((target("arch=x86-64-v4"))) void kernel_avx512(const float* weights, const float* bias, bool relu,
                                                             const float* x, const float* importance,
                                                             KernelShape shape, LargeKernelScratch& s,
                                                             double* gw, double* gb, double* loss) {
  kernel_body<Wide>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}
__attribute__((target("arch=x86-64-v3"))) void kernel_avx2(const float* weights, const float* bias, bool relu,
                                                           const float* x, const float* importance,
                                                           KernelShape shape, LargeKernelScratch& s, double* gw,
                                                           double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}
#endif
void kernel_baseline(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
                     KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}

struct Variant {
  const char* name;
  Kernel kernel;
  bool supported;
};

std::vector<Variant> variants() {
  std::vector<Variant> all;
#if SUPERPOS_X86_VARIANTS
  __builtin_cpu_init();
  all.push_back({"avx512", kernel_avx512, __builtin_cpu_supports("x86-64-v4") != 0});
  all.push_back({"avx2", kernel_avx2, __builtin_cpu_supports("x86-64-v3") != 0});
#endif
  all.push_back({"baseline", kernel_baseline, true});
  return all;
}

Kernel widest_kernel() {
  for (const Variant& v : variants())
    if (v.supported) return v.kernel;
  return kernel_baseline;
}

}  // namespace

void large_batch_kernel(const float* weights, const float* bias, bool relu, const float* x_columns,
                        const float* importance, KernelShape shape, LargeKernelScratch& scratch,
                        double* grad_weights, double* grad_bias, double* loss_sum) {
  static const Kernel chosen = widest_kernel();
  chosen(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
}

std::vector<std::string> large_kernel_variants() {
  std::vector<std::string> names;
  for (const Variant& v : variants())
    if (v.supported) names.push_back(v.name);
  return names;
}

void large_batch_kernel_variant(const std::string& name, const float* weights, const float* bias, bool relu,
                                const float* x_columns, const float* importance, KernelShape shape,
                                LargeKernelScratch& scratch, double* grad_weights, double* grad_bias,
                                double* loss_sum) {
  for (const Variant& v : variants())
    if (v.supported && name == v.name)
      return v.kernel(weights, bias, relu, x_columns, importance, shape, scratch, grad_weights, grad_bias, loss_sum);
  throw std::invalid_argument("large_batch_kernel_variant: '" + name + "' is not available on this CPU");
}

}  // namespace superpos
