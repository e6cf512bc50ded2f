// The numbers the claims compare against, loaded from report/thresholds.ini (one reviewed file,
// where each has its reason).
#pragma once

#include <filesystem>
#include <string>

namespace superpos {

struct Thresholds {
  double represented_fraction = 0.5;     // of the energy the activation can reproduce
  double direction_norm_fraction = 0.01; // rows shorter than this share of the longest have no direction
  double unit_norm_tolerance = 0.1;
  double unrepresented_norm = 0.05;
  double orthogonal_tolerance_degrees = 1.0;
  double line_tolerance_degrees = 5.0;
  double near_zero = 0.05;
  double distinct_direction_degrees = 10.0;
  double notable_interaction = 0.1;
  double orthogonality_margin = 0.1;
  double ordering_tolerance = 0.01;
  // The paper's chapters (paper/paper_claims.hpp).
  double represented_norm = 0.5;       // a row at least this long is a represented feature
  double trend_agreement = 0.5;        // Kendall's tau for "grows (falls) with sparsity"
  double fraction_tolerance = 1.0 / 30; // "near" one of the paper's fractions 1, 3/4, 2/3, 1/2, 2/5, 1/3
  double plateau_flatness = 2;         // "sticks at 1/2": the band spans this many times a steady fall's width
  double phase_boundary_steps = 1;     // grid steps of relative importance from 1
  double phase_loss_tolerance = 0.05;  // a phase cell within this share of the best candidate's loss is at it
  double robust_share = 0.75;          // a claim holding on fewer of its seeds than this is fragile
  double monosemantic_purity = 0.9;    // a neuron whose largest feature has this share of its squared input weight
  double computed_r2 = 0.5;            // a feature computed: |x| explained this well on inputs of it alone
};

// Every key must be present and a finite number >= 0; throws InputError naming file, line and key.
Thresholds load_thresholds(const std::filesystem::path& path);

// SHA-256 of the thresholds file's bytes: what a figure whose marks are verdicts (the seed gallery)
// records, so that the renderer can tell it was drawn with other thresholds.
std::string thresholds_digest(const std::filesystem::path& path);

}  // namespace superpos
