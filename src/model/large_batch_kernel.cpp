#include "model/large_batch_kernel.hpp"

#include <stdexcept>
#include <string>

#include "model/large_kernel_blocks.hpp"
#include "model/large_kernel_variants.hpp"

namespace superpos {
namespace {

using large_kernel::Kernel;

struct Variant {
  const char* name;
  Kernel kernel;
  bool supported;
};

std::vector<Variant> variants() {
  std::vector<Variant> all;
#if SUPERPOS_X86_VARIANTS
  __builtin_cpu_init();
  all.push_back({"avx512", large_kernel::avx512, __builtin_cpu_supports("x86-64-v4") != 0});
  all.push_back({"avx2", large_kernel::avx2, __builtin_cpu_supports("x86-64-v3") != 0});
#endif
  all.push_back({"baseline", large_kernel::baseline, true});
  return all;
}

Kernel widest_kernel() {
  for (const Variant& v : variants())
    if (v.supported) return v.kernel;
  return large_kernel::baseline;
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
