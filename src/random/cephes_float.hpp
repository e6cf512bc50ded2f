// Scalar float log and sincos that round exactly like the AVX2 code PyTorch uses for torch.randn.
// PyTorch's CPU normal_fill transforms uniforms with the Cephes polynomials of avx_mathfun.h, not
// with libm, and its compiler fused some multiply-adds; matching those operations lane by lane is
// what makes superpos's inputs bit-identical to the article's.
#pragma once

namespace superpos {

// Which multiply-adds are fused. `compiled` matches the PyTorch binary we check against (fixtures
// in tests/fixtures, made by tests/fixtures/make_rng_fixtures.py); `as_written` performs each
// multiply and add separately, as the intrinsics read in the source.
enum class FmaContraction { compiled, as_written };

float cephes_log(float x, FmaContraction fma_mode = FmaContraction::compiled);

struct SinCos {
  float sin;
  float cos;
};
SinCos cephes_sincos(float x, FmaContraction fma_mode = FmaContraction::compiled);

}  // namespace superpos
