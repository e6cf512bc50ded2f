// large_batch_kernel for avx512: compiled with -march=x86-64-v4 (src/CMakeLists.txt), so that its
// products are FMA chains in the widest registers this variant may use.
#include "model/large_kernel_body.hpp"
#include "model/large_kernel_variants.hpp"

namespace superpos::large_kernel {

#if SUPERPOS_X86_VARIANTS
void avx512(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
            KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss) {
  kernel_body<Wide>(weights, bias, relu, x, importance, shape, s, gw, gb, loss);
}
#endif

}  // namespace superpos::large_kernel
