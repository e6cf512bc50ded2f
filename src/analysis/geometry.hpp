// What the article reads off a trained W: row norms, the feature-interaction matrix W W^T, each
// feature's interference with the others, and the angles between rows. Computed in double from the
// float weights.
#pragma once

#include <Eigen/Core>

#include "model/toy_model.hpp"

namespace superpos {

struct Geometry {
  Eigen::VectorXd norms;           // ||W_i||, one per feature
  Eigen::MatrixXd interactions;    // W W^T (features x features)
  Eigen::VectorXd interference;    // sum over j != i of W_i . W_j
  Eigen::MatrixXd angles_degrees;  // angle between rows i and j, symmetric, 0 on the diagonal
};

Geometry analyse(const Weights& weights);

// Angle between rows i and j in degrees, from torch.nn.functional.cosine_similarity's definition
// (dot / max(|a||b|, 1e-8)), so a zero row reads as 90 degrees, as it would in the notebook.
double angle_degrees(const Weights& weights, Eigen::Index i, Eigen::Index j);

// The angle between the lines through rows i and j: 0 to 90 degrees, whatever the rows' signs.
double line_angle_degrees(const Weights& weights, Eigen::Index i, Eigen::Index j);

}  // namespace superpos
