// torch.optim.lr_scheduler.CosineAnnealingLR with eta_min = 0, stepped once per optimizer step.
// torch updates the rate recursively from its previous value (not by the closed form), so we do
// too; the two agree to ~1e-16 relative, and lr_closed_form states the intent.
#pragma once

#include <cmath>
#include <numbers>

namespace superpos {

class CosineSchedule {
 public:
  CosineSchedule(double base_lr, long total_steps) : lr_(base_lr), total_steps_(total_steps) {}

  double lr() const { return lr_; }  // the rate the next optimizer step uses
  long epoch() const { return epoch_; }

  void step() {
    ++epoch_;
    const double pi = std::numbers::pi;
    const auto t = static_cast<double>(epoch_);
    const auto t_max = static_cast<double>(total_steps_);
    lr_ = (1.0 + std::cos(pi * t / t_max)) / (1.0 + std::cos(pi * (t - 1.0) / t_max)) * lr_;
  }

 private:
  double lr_;
  long total_steps_;
  long epoch_ = 0;
};

// lr_t = base_lr (1 + cos(pi t / T)) / 2.
inline double lr_closed_form(double base_lr, long step, long total_steps) {
  return base_lr * (1.0 + std::cos(std::numbers::pi * static_cast<double>(step) /
                                   static_cast<double>(total_steps))) / 2.0;
}

}  // namespace superpos
