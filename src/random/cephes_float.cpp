// One-lane rewrite of avx_mathfun.h's log256_ps and sincos256_ps (Julien Pommier's sse_mathfun,
// AVX port by Giovanni Garberoglio, zlib licence), the functions PyTorch's normal_fill_16_AVX2
// calls. Constants and the order of operations are theirs; the code is ours.
#include "random/cephes_float.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

#include "random/cephes_constants.hpp"

namespace superpos {
namespace {

// Multiply-add that is fused or not according to the mode, so both roundings can be checked.
inline float mul_add(float a, float b, float c, FmaContraction mode) {
  if (mode == FmaContraction::compiled) return std::fma(a, b, c);
  const float product = a * b;
  return product + c;
}

using namespace cephes;

}  // namespace

float cephes_log(float x, FmaContraction mode) {
  if (std::isnan(x) || x <= 0.0f) return std::nanf("");
  const float min_normal = std::bit_cast<float>(std::uint32_t{0x00800000});
  x = x > min_normal ? x : min_normal;  // denormals are cut off, as _mm256_max_ps does

  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const auto exponent = static_cast<std::int32_t>(bits >> 23) - 0x7f;
  x = std::bit_cast<float>((bits & ~std::uint32_t{0x7f800000}) | std::bit_cast<std::uint32_t>(0.5f));
  float e = static_cast<float>(exponent) + 1.0f;

  // Bring the mantissa into [sqrt(1/2), sqrt(2)) - 1, exactly as the vector code does it.
  const bool below = x < kSqrtHalf;
  const float extra = below ? x : 0.0f;
  x = x - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  x = x + extra;

  const float z = x * x;
  float y = kLogP[0];
  for (int k = 1; k < 9; ++k) y = mul_add(y, x, kLogP[k], mode);
  y = y * x;
  // The compiled code fuses y*z into the addition of e*q1, and z*0.5 into the subtraction.
  y = mul_add(y, z, e * kLogQ1, mode);
  y = mul_add(z, -0.5f, y, mode);
  x = x + y;
  return mul_add(e, kLogQ2, x, mode);
}

SinCos cephes_sincos(float x, FmaContraction mode) {
  std::uint32_t sign_sin = std::bit_cast<std::uint32_t>(x) & 0x80000000u;
  x = std::bit_cast<float>(std::bit_cast<std::uint32_t>(x) & 0x7fffffffu);

  auto octant = static_cast<std::int32_t>(x * kFourOverPi);  // truncation, like cvttps
  octant = (octant + 1) & ~1;
  const float y_octant = static_cast<float>(octant);

  const std::uint32_t swap_sign_sin = static_cast<std::uint32_t>(octant & 4) << 29;
  const bool use_sine_poly = (octant & 2) == 0;
  const std::uint32_t sign_cos = static_cast<std::uint32_t>(~(octant - 2) & 4) << 29;
  sign_sin ^= swap_sign_sin;

  // Extended-precision reduction: x = ((x - y*DP1) - y*DP2) - y*DP3.
  x = mul_add(y_octant, kMinusDP1, x, mode);
  x = mul_add(y_octant, kMinusDP2, x, mode);
  x = mul_add(y_octant, kMinusDP3, x, mode);

  const float z = x * x;
  float cos_poly = mul_add(kCosP[0], z, kCosP[1], mode);
  cos_poly = mul_add(cos_poly, z, kCosP[2], mode);
  cos_poly = cos_poly * z;
  const float half_z = z * 0.5f;
  cos_poly = mul_add(cos_poly, z, -half_z, mode);
  cos_poly = cos_poly + 1.0f;

  float sin_poly = mul_add(kSinP[0], z, kSinP[1], mode);
  sin_poly = mul_add(sin_poly, z, kSinP[2], mode);
  sin_poly = sin_poly * z;
  sin_poly = mul_add(sin_poly, x, x, mode);

  // The vector code blends the two polynomials with masks and additions of +0; replaying those
  // additions keeps the sign of zero identical too.
  const float sin_from_sin = use_sine_poly ? sin_poly : 0.0f;
  const float sin_from_cos = use_sine_poly ? 0.0f : cos_poly;
  const float cos_from_sin = sin_poly - sin_from_sin;
  const float cos_from_cos = cos_poly - sin_from_cos;
  const float sin_value = sin_from_cos + sin_from_sin;
  const float cos_value = cos_from_cos + cos_from_sin;

  return {std::bit_cast<float>(std::bit_cast<std::uint32_t>(sin_value) ^ sign_sin),
          std::bit_cast<float>(std::bit_cast<std::uint32_t>(cos_value) ^ sign_cos)};
}

}  // namespace superpos
