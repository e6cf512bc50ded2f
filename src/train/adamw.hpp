// AdamW as torch.optim.AdamW (1.13, single-tensor path) applies it: decoupled weight decay first,
// then the bias-corrected Adam step. Scalars are computed in double, as Python does, and rounded to
// float where torch hands them to a float tensor operation.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace superpos {

struct AdamWMoments {
  std::vector<float> exp_avg;     // first moment, one per parameter
  std::vector<float> exp_avg_sq;  // second moment
  explicit AdamWMoments(std::size_t size = 0) : exp_avg(size, 0.0f), exp_avg_sq(size, 0.0f) {}
};

class AdamW {
 public:
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;

  // One update of `params` from `grads` at 1-based step `t` with learning rate `lr`.
  void step(std::span<float> params, std::span<const float> grads, AdamWMoments& moments, long t,
            double lr) const {
    const auto decay = static_cast<float>(1.0 - lr * weight_decay);
    const auto beta1_f = static_cast<float>(beta1);
    const auto beta2_f = static_cast<float>(beta2);
    const auto one_minus_beta1 = static_cast<float>(1.0 - beta1);
    const auto one_minus_beta2 = static_cast<float>(1.0 - beta2);
    const double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
    const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
    const auto step_size = static_cast<float>(lr / bias_correction1);
    const auto correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
    const auto eps_f = static_cast<float>(eps);
    for (std::size_t i = 0; i < params.size(); ++i) {
      float& m = moments.exp_avg[i];
      float& v = moments.exp_avg_sq[i];
      const float g = grads[i];
      params[i] = params[i] * decay;
      m = m * beta1_f + one_minus_beta1 * g;
      v = v * beta2_f + one_minus_beta2 * g * g;
      const float denom = std::sqrt(v) / correction2_sqrt + eps_f;
      params[i] = params[i] + (-step_size) * m / denom;
    }
  }
};

}  // namespace superpos
