// What the computation-in-superposition model (model/computation_model.hpp) does with its neurons
// and features, as Elhage et al. read it:
// - a neuron's purity: the largest share one feature has of its squared input weight (its column
//   of W1); 1 for a neuron that reads one feature (monosemantic), lower for one that reads several;
// - a feature is computed when the model, given that feature alone (x_i over [-1, 1], the rest 0),
//   explains a share of the variance of |x_i| (R^2 on a grid symmetric about 0);
// - a sign pair: a computed feature read by two monosemantic neurons of opposite sign, the
//   |x| = ReLU(x) + ReLU(-x) a model without superposition builds.
// Every reading is unchanged when a feature's input weights flip sign, as the model's loss is for
// inputs symmetric about zero.
#pragma once

#include <vector>

#include "model/toy_model.hpp"

namespace superpos {

struct NeuronReading {
  double norm = 0.0;    // ||column j of W1||
  double purity = 0.0;  // max_i W1_ji^2 / sum_i W1_ji^2 (0 for a zero column)
  int feature = -1;     // the feature with that largest share
};

// Each neuron's reading.
std::vector<NeuronReading> neuron_readings(const ToyModel& model);

// R^2 of the model's output i against |x| when x_i runs over 201 points of [-1, 1] and every other
// feature is 0: 1 - mean (y_i - |x|)^2 / var |x|.
double feature_r2(const ToyModel& model, int feature);

struct ComputationReading {
  int neurons = 0;       // all of them
  int live = 0;          // with an input weight norm of at least min_norm
  int monosemantic = 0;  // live, purity >= purity
  int polysemantic = 0;  // live, purity < purity
  int computed = 0;      // features with R^2 >= min_r2
  int sign_pairs = 0;    // computed features read by monosemantic neurons of both signs
};

ComputationReading read_computation(const ToyModel& model, double min_norm, double purity, double min_r2);

}  // namespace superpos
