// normal_fill_16 eight lanes at a time with AVX2 and FMA, for CPUs that have them (checked at run
// time; the build itself targets x86-64-v2). It performs, lane by lane, exactly the operations of
// the scalar code in cephes_float.cpp with FmaContraction::compiled, so both give identical bits;
// tests/test_torch_generator.cpp checks that on millions of blocks.
#include "random/normal_fill_avx2.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "random/cephes_constants.hpp"

#define SUPERPOS_AVX2 __attribute__((target("avx2,fma")))

namespace superpos {
namespace {

using namespace cephes;

SUPERPOS_AVX2 inline __m256 log_ps(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 invalid = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LE_OS);
  x = _mm256_max_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x00800000)));

  __m256i bits = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(~0x7f800000)));
  x = _mm256_or_ps(x, _mm256_set1_ps(0.5f));
  bits = _mm256_sub_epi32(bits, _mm256_set1_epi32(0x7f));
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(bits), one);

  const __m256 below = _mm256_cmp_ps(x, _mm256_set1_ps(kSqrtHalf), _CMP_LT_OS);
  const __m256 extra = _mm256_and_ps(x, below);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, below));
  x = _mm256_add_ps(x, extra);

  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_set1_ps(kLogP[0]);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[1]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[2]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[3]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[4]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[5]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[6]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[7]));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(kLogP[8]));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, _mm256_set1_ps(kLogQ1)));
  y = _mm256_fmadd_ps(z, _mm256_set1_ps(-0.5f), y);
  x = _mm256_add_ps(x, y);
  x = _mm256_fmadd_ps(e, _mm256_set1_ps(kLogQ2), x);
  return _mm256_or_ps(x, invalid);  // NaN where x <= 0
}

struct SinCos8 {
  __m256 sin;
  __m256 cos;
};

SUPERPOS_AVX2 inline SinCos8 sincos_ps(__m256 x) {
  const __m256 sign_bit = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(0x80000000u)));
  __m256 sign_sin = _mm256_and_ps(x, sign_bit);
  x = _mm256_andnot_ps(sign_bit, x);

  __m256i octant = _mm256_cvttps_epi32(_mm256_mul_ps(x, _mm256_set1_ps(kFourOverPi)));
  octant = _mm256_add_epi32(octant, _mm256_set1_epi32(1));
  octant = _mm256_and_si256(octant, _mm256_set1_epi32(~1));
  const __m256 y_octant = _mm256_cvtepi32_ps(octant);

  const __m256 swap_sign_sin =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(octant, _mm256_set1_epi32(4)), 29));
  const __m256 use_sine_poly = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(octant, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
  const __m256 sign_cos = _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_andnot_si256(_mm256_sub_epi32(octant, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29));
  sign_sin = _mm256_xor_ps(sign_sin, swap_sign_sin);

  x = _mm256_fmadd_ps(y_octant, _mm256_set1_ps(kMinusDP1), x);
  x = _mm256_fmadd_ps(y_octant, _mm256_set1_ps(kMinusDP2), x);
  x = _mm256_fmadd_ps(y_octant, _mm256_set1_ps(kMinusDP3), x);

  const __m256 z = _mm256_mul_ps(x, x);
  __m256 cos_poly = _mm256_fmadd_ps(_mm256_set1_ps(kCosP[0]), z,
                                    _mm256_set1_ps(kCosP[1]));
  cos_poly = _mm256_fmadd_ps(cos_poly, z, _mm256_set1_ps(kCosP[2]));
  cos_poly = _mm256_mul_ps(cos_poly, z);
  const __m256 half_z = _mm256_mul_ps(z, _mm256_set1_ps(0.5f));
  cos_poly = _mm256_fmsub_ps(cos_poly, z, half_z);
  cos_poly = _mm256_add_ps(cos_poly, _mm256_set1_ps(1.0f));

  __m256 sin_poly = _mm256_fmadd_ps(_mm256_set1_ps(kSinP[0]), z, _mm256_set1_ps(kSinP[1]));
  sin_poly = _mm256_fmadd_ps(sin_poly, z, _mm256_set1_ps(kSinP[2]));
  sin_poly = _mm256_mul_ps(sin_poly, z);
  sin_poly = _mm256_fmadd_ps(sin_poly, x, x);

  const __m256 sin_from_sin = _mm256_and_ps(use_sine_poly, sin_poly);
  const __m256 sin_from_cos = _mm256_andnot_ps(use_sine_poly, cos_poly);
  const __m256 cos_from_sin = _mm256_sub_ps(sin_poly, sin_from_sin);
  const __m256 cos_from_cos = _mm256_sub_ps(cos_poly, sin_from_cos);
  const __m256 sin_value = _mm256_add_ps(sin_from_cos, sin_from_sin);
  const __m256 cos_value = _mm256_add_ps(cos_from_cos, cos_from_sin);
  return {_mm256_xor_ps(sin_value, sign_sin), _mm256_xor_ps(cos_value, sign_cos)};
}

}  // namespace

SUPERPOS_AVX2 void normal_fill_16_avx2(float* block, std::size_t blocks, float mean, float stddev) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 minus_two = _mm256_set1_ps(-2.0f);
  const __m256 two_pi = _mm256_set1_ps(kTwoPi);
  const __m256 mean_v = _mm256_set1_ps(mean);
  const __m256 stddev_v = _mm256_set1_ps(stddev);
  for (std::size_t b = 0; b < blocks; ++b, block += 16) {
    const __m256 u1 = _mm256_sub_ps(one, _mm256_loadu_ps(block));
    const __m256 u2 = _mm256_loadu_ps(block + 8);
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, log_ps(u1)));
    const SinCos8 trig = sincos_ps(_mm256_mul_ps(two_pi, u2));
    _mm256_storeu_ps(block, _mm256_fmadd_ps(_mm256_mul_ps(radius, trig.cos), stddev_v, mean_v));
    _mm256_storeu_ps(block + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, trig.sin), stddev_v, mean_v));
  }
}

bool cpu_has_avx2_fma() {
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
}

}  // namespace superpos

#else

namespace superpos {
void normal_fill_16_avx2(float*, std::size_t, float, float) {}
bool cpu_has_avx2_fma() { return false; }
}  // namespace superpos

#endif
