// large_batch_kernel for baseline: compiled with the project's baseline -march (src/CMakeLists.txt), so that its
// products are FMA chains in the widest registers this variant may use.
#include "model/large_kernel_body.hpp"
#include "model/large_kernel_variants.hpp"

namespace superpos::large_kernel {

void baseline(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
              KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}

}  // namespace superpos::large_kernel
