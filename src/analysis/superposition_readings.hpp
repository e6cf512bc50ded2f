// The readings Elhage et al. (2022) take from a trained W, beyond the article's: how many features
// a model represents, how many hidden dimensions each gets (m / ||W||_F^2), which features share a
// line with opposite signs (antipodal pairs), and the phase of the second feature in their 2 -> 1
// phase diagram. Like feature_measures.hpp, every reading is unchanged when a row flips sign
// together with its partner (an antipodal pair stays a pair) and is computed in double.
#pragma once

#include <Eigen/Core>
#include <string>
#include <utility>
#include <vector>

#include "model/toy_model.hpp"

namespace superpos {

// Features whose row is at least `min_norm` long: the model gives them a direction of their own
// or a share of one (Elhage et al. read ||W_i|| near 1 as represented, near 0 as not).
int represented_features(const Weights& weights, double min_norm);

// m / ||W||_F^2: hidden dimensions per represented feature. ||W||_F^2 = sum of squared row norms
// counts the features a model represents (each unit-length row adds 1).
double dimensions_per_feature(const Weights& weights);

// Pairs (i < j) of represented rows (norm >= min_norm) that point in opposite directions: the
// angle between them is at least 180 - max_degrees_from_opposite.
std::vector<std::pair<int, int>> antipodal_pairs(const Weights& weights, double min_norm,
                                                 double max_degrees_from_opposite);

// Pairs of represented rows that are orthogonal to within `max_degrees_from_right_angle`.
std::vector<std::pair<int, int>> orthogonal_pairs(const Weights& weights, double min_norm,
                                                  double max_degrees_from_right_angle);

// The three phases of the 2 -> 1 model (features 0 and 1, one hidden dimension).
enum class SecondFeaturePhase { not_represented, takes_the_dimension, superposition };
std::string to_string(SecondFeaturePhase phase);

// A 2 x 1 W's phase: the second feature is not represented when its weight is under min_norm and
// the first's is not; it takes the dimension when the first's weight is under min_norm and its own
// is not; superposition is both at least min_norm with opposite signs (an antipodal pair on the
// one line). Anything else (both short, or both long on the same side) is an error: the phase
// diagram has no cell for it, and the caller reports such a cell rather than guessing.
SecondFeaturePhase second_feature_phase(const Weights& weights, double min_norm);

// The share of `values` within `tolerance` of one of `targets` (0 for no values).
double share_near(const std::vector<double>& values, const std::vector<double>& targets, double tolerance);

}  // namespace superpos
