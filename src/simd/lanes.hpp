// GCC vector types for the hot loops: eight float lanes and four double lanes. The same source
// becomes AVX2 code in a function's "avx2" clone and pairs of SSE instructions in its default
// clone; lane for lane the operations, and therefore the results, are identical.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <vector>

namespace superpos::simd {

using f8 = float __attribute__((vector_size(32)));
using d4 = double __attribute__((vector_size(32)));
using i8 = int __attribute__((vector_size(32)));
inline constexpr unsigned kFloatLanes = 8;
// Sixteen float lanes: one AVX-512 register, two AVX2 ones.
using f16 = float __attribute__((vector_size(64)));
using i16 = int __attribute__((vector_size(64)));

[[gnu::always_inline]] inline f8 load8(const float* p) {
  f8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store8(float* p, f8 v) { std::memcpy(p, &v, sizeof v); }

[[gnu::always_inline]] inline d4 load4(const double* p) {
  d4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store4(double* p, d4 v) { std::memcpy(p, &v, sizeof v); }

// Lanes 0-3 and 4-7 of a float vector, widened to double.
[[gnu::always_inline]] inline d4 low_half(f8 v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), d4);
}
[[gnu::always_inline]] inline d4 high_half(f8 v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), d4);
}

// Buffers the hot loops read as whole vectors start on a cache line: with malloc's 16-byte
// alignment, where a buffer landed decided whether 32-byte loads split cache lines, and the same
// run took 0.165 s or 0.19 s depending on the heap layout (the length of a config's name, say).
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlignment); }
  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const { return true; }
};

template <typename T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace superpos::simd

// Compile a function for AVX2 and for the baseline, chosen by the loader for the CPU. Not under
// AddressSanitizer, whose instrumentation and ifunc resolvers do not mix.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SUPERPOS_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
// The same and an AVX-512 clone, for loops whose every lane is independent (so the results are
// the same in all three) and that gain from wider vectors.
#define SUPERPOS_SIMD_CLONES_AVX512 __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SUPERPOS_SIMD_CLONES
#define SUPERPOS_SIMD_CLONES_AVX512
#endif
