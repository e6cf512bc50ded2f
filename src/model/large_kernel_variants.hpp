// The variants of large_batch_kernel, one translation unit each (see large_kernel_body.hpp); the
// AVX-512 and AVX2 ones exist only where SUPERPOS_X86_VARIANTS (large_kernel_blocks.hpp) is set.
#pragma once

#include "model/large_batch_kernel.hpp"

namespace superpos::large_kernel {

using Kernel = void (*)(const float*, const float*, bool, const float*, const float*, KernelShape,
                        LargeKernelScratch&, double*, double*, double*);

void avx512(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
            KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss);
void avx2(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
          KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss);
void baseline(const float* weights, const float* bias, bool relu, const float* x, const float* importance,
              KernelShape shape, LargeKernelScratch& s, double* gw, double* gb, double* loss);

}  // namespace superpos::large_kernel
