// large_batch_kernel for CPUs without AVX2 and FMA, and the only variant under the sanitizers:
// compiled with the project's baseline -march, its fused multiply-adds are std::fma lane by lane
// (large_kernel_blocks.hpp), which round as the FMA instructions of the other two variants do.
#include "model/large_kernel_body.hpp"
#include "model/large_kernel_variants.hpp"

namespace superpos::large_kernel {

void baseline(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
              KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss) {
  kernel_body<Narrow>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}

}  // namespace superpos::large_kernel
