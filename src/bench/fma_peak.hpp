// The arithmetic floor under a sweep: the multiply-adds of its five products that skipping zeros
// leaves, and how many of them one core of this machine does in a second at best.
#pragma once

#include <string>

namespace superpos {

// One core's best rate of float multiply-adds, measured on a loop of nothing else: independent
// fused multiply-adds in the widest registers the large kernel uses on this CPU (AVX-512, else
// AVX2), enough of them to hide the latency. `width` names the registers.
struct FmaPeak {
  double per_second = 0.0;  // single-precision multiply-adds a second, one core
  std::string width;        // "AVX-512", "AVX2" or "scalar"
};
FmaPeak measure_fma_peak();

// One instance's shares of nonzero entries over its training, as its timing.json reports them:
// the input's and d loss / d z's (both 1 when the kernel does not count them: dense products).
struct NonzeroShares {
  double input = 1.0, grad = 1.0;
};

// The multiply-adds of one training step's five products left after skipping zeros, for batch x
// features x hidden: z = h W^T whole (every output is needed for the loss), the two products with
// the input (x W and x^T grad_h) over its nonzeros, and the two with d loss / d z (grad_z W and
// grad_z^T h) over its. (Another formulation could do fewer at very high sparsity: z = x (W W^T)
// and d loss / d W = (M + M^T) W with M = x^T grad_z. Tried at 200 x 20, its random reads of
// 200-wide rows from the second-level cache made it slower than the five products down to a
// twentieth nonzero, so the floor is of the five.)
double five_product_fmas_per_step(long batch, long features, long hidden, NonzeroShares shares);

}  // namespace superpos
