#include "bench/fma_peak.hpp"

#include <algorithm>
#include <chrono>

#include "model/large_batch_kernel.hpp"

namespace superpos {
namespace {

// Hand-written, because the measurement is of the machine, not of a compiler: the loops below are
// 14 independent multiply-add chains on registers alone (two operands, no memory), which keeps both
// FMA ports of a core busy whatever their latency. A C++ loop with the same intent was compiled to
// code that ran at 40% of this rate. The results are never read back.
#if defined(__x86_64__)
constexpr long kRounds = 20'000'000;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One round: fourteen multiply-adds into registers 0-13 of kind R ("zmm" or "ymm"), from 14 and 15;
// the loop runs n rounds.
#define SUPERPOS_FMA(R, n) "vfmadd231ps %%" R "14, %%" R "15, %%" R n "\n"
#define SUPERPOS_FMA_ROUND(R)                                                                           \
  SUPERPOS_FMA(R, "0") SUPERPOS_FMA(R, "1") SUPERPOS_FMA(R, "2") SUPERPOS_FMA(R, "3") SUPERPOS_FMA(R, "4")  \
  SUPERPOS_FMA(R, "5") SUPERPOS_FMA(R, "6") SUPERPOS_FMA(R, "7") SUPERPOS_FMA(R, "8") SUPERPOS_FMA(R, "9")  \
  SUPERPOS_FMA(R, "10") SUPERPOS_FMA(R, "11") SUPERPOS_FMA(R, "12") SUPERPOS_FMA(R, "13")
// All sixteen registers start at zero (a VEX xor of the xmm half clears the whole register): whatever
// they held before could be a subnormal, and a multiply-add on one takes a microcode assist of a
// hundred cycles or more (the sanitizer build timed 0.77 G a second that way).
#define SUPERPOS_ZERO(n) "vxorps %%xmm" n ", %%xmm" n ", %%xmm" n "\n"
#define SUPERPOS_FMA_LOOP(R, n)                                                                         \
  asm volatile(SUPERPOS_ZERO("0") SUPERPOS_ZERO("1") SUPERPOS_ZERO("2") SUPERPOS_ZERO("3")             \
               SUPERPOS_ZERO("4") SUPERPOS_ZERO("5") SUPERPOS_ZERO("6") SUPERPOS_ZERO("7")             \
               SUPERPOS_ZERO("8") SUPERPOS_ZERO("9") SUPERPOS_ZERO("10") SUPERPOS_ZERO("11")           \
               SUPERPOS_ZERO("12") SUPERPOS_ZERO("13") SUPERPOS_ZERO("14") SUPERPOS_ZERO("15")         \
               "1:\n" SUPERPOS_FMA_ROUND(R) "dec %0\n jnz 1b\n"                                       \
               : "+r"(n)                                                                                \
               :                                                                                        \
               : "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",  \
                 "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15")

// Multiply-adds a second: kRounds rounds of 14 instructions of 16 (AVX-512) or 8 (AVX2) lanes.
double fma_rate(bool wide) {
  long n = kRounds;
  const auto start = std::chrono::steady_clock::now();
  if (wide) SUPERPOS_FMA_LOOP("zmm", n);
  else SUPERPOS_FMA_LOOP("ymm", n);
  return static_cast<double>(kRounds) * 14 * (wide ? 16 : 8) / seconds_since(start);
}
#endif

}  // namespace

FmaPeak measure_fma_peak() {
#if defined(__x86_64__)
  // The registers of the variant the large kernel runs on this CPU (widest first). Best of three:
  // a rate can only be lowered by the machine's other work.
  const std::string kernel = large_kernel_variants().front();
  const bool wide = kernel == "avx512";
  if (wide || kernel == "avx2") {
    double best = 0.0;
    for (int attempt = 0; attempt < 3; ++attempt) best = std::max(best, fma_rate(wide));
    return {best, wide ? "AVX-512" : "AVX2"};
  }
#endif
  return {0.0, "scalar"};
}

double five_product_fmas_per_step(long batch, long features, long hidden, NonzeroShares shares) {
  const double product = static_cast<double>(batch) * static_cast<double>(features) * static_cast<double>(hidden);
  return product * (1.0 + 2.0 * shares.input + 2.0 * shares.grad);
}

}  // namespace superpos
