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
};

// Every key must be present and a finite number >= 0; throws InputError naming file, line and key.
Thresholds load_thresholds(const std::filesystem::path& path);

// SHA-256 of the thresholds file's bytes: what a figure whose marks are verdicts (the seed gallery)
// records, so that the renderer can tell it was drawn with other thresholds.
std::string thresholds_digest(const std::filesystem::path& path);

}  // namespace superpos
