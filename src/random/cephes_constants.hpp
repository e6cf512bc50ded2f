// The constants of avx_mathfun.h's log256_ps and sincos256_ps (Cephes), shared by the scalar port
// (cephes_float.cpp) and the AVX2 form (normal_fill_avx2.cpp), which must round identically.
#pragma once

#include <numbers>

namespace superpos::cephes {

inline constexpr float kSqrtHalf = 0.707106781186547524f;
inline constexpr float kLogP[9] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                                   -1.2420140846E-1f, +1.4249322787E-1f, -1.6668057665E-1f,
                                   +2.0000714765E-1f, -2.4999993993E-1f, +3.3333331174E-1f};
inline constexpr float kLogQ1 = -2.12194440e-4f;
inline constexpr float kLogQ2 = 0.693359375f;

inline constexpr float kMinusDP1 = -0.78515625f;
inline constexpr float kMinusDP2 = -2.4187564849853515625e-4f;
inline constexpr float kMinusDP3 = -3.77489497744594108e-8f;
inline constexpr float kSinP[3] = {-1.9515295891E-4f, 8.3321608736E-3f, -1.6666654611E-1f};
inline constexpr float kCosP[3] = {2.443315711809948E-005f, -1.388731625493765E-003f,
                                   4.166664568298827E-002f};
inline constexpr float kFourOverPi = 1.27323954473516f;

// normal_fill_16's _mm256_set1_ps(2.0f * c10::pi<double>): the product is taken in double, then
// rounded to float.
inline constexpr auto kTwoPi = static_cast<float>(2.0f * std::numbers::pi);

}  // namespace superpos::cephes
