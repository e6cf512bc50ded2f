// The theory behind Elhage et al.'s 2 -> 1 phase diagram: the loss each of the three candidate
// solutions reaches at its best, computed from the input distribution rather than sampled. A
// trained cell is then judged against the candidates with no batch noise at all: a cell whose model
// loses clearly to a candidate is a local minimum of training, not a phase.
//
// The model is x̂ = ReLU(W W^T x + b), W = (w1, w2)^T (one hidden dimension); the inputs are the
// notebook's: x_i = u_i with probability p (u_i uniform on [0, 1)), else 0, independently; the loss
// is sum_i c_i (x̂_i - x_i)^2 with c the loss weights (importance, divided by the number of features
// when the loss averages over them). Weight decay is left out, as in the paper's analysis.
#pragma once

#include <array>

#include "analysis/superposition_readings.hpp"

namespace superpos {

struct TwoByOne {
  double w1 = 0.0, w2 = 0.0, b1 = 0.0, b2 = 0.0;
};

// The exact expected loss: the cases "neither, one, both present" weighted by their probabilities,
// each integral over the present values in closed form but the outer one of two (Gauss-Legendre,
// 64 panels of 8 nodes, about 1e-9 of the loss away from the ReLU's kinks).
double expected_loss_2x1(const TwoByOne& model, double p, const std::array<double, 2>& loss_weights);

// Each candidate at its best. Dropping a feature and copying the other (weight 1, bias 0) while the
// dropped one's output is the constant E[x] = p/2 gives c_dropped * Var(x) = c (p/3 - p^2/4) exactly.
// The antipodal pair W = (w1, -w2) is minimised over w1, w2 > 0 and both biases (Nelder-Mead from
// several starts, to 1e-12 of the loss).
struct CandidateLosses {
  double not_represented = 0.0;      // feature 2 dropped
  double takes_the_dimension = 0.0;  // feature 1 dropped
  double superposition = 0.0;        // the antipodal pair
  TwoByOne best_superposition;       // where the antipodal pair reaches its loss
  double of(SecondFeaturePhase phase) const;
  SecondFeaturePhase best() const;   // the lowest; ties go to the earlier phase in the list above
};
CandidateLosses candidate_losses(double p, const std::array<double, 2>& loss_weights);

}  // namespace superpos
