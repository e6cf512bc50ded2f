// The article's conclusions as machine-checked claims. Each check is a small function of trained
// runs and the reviewed thresholds; it reports what it measured, against what, and the verdict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "claims/thresholds.hpp"
#include "io/run_results.hpp"

namespace superpos {

enum class Verdict { holds, fails, not_evaluated };
std::string to_string(Verdict verdict);

struct ClaimResult {
  std::string id;         // e.g. "linear_0.two_features"
  std::string subject;    // the run(s) it is about
  std::string statement;  // one line, in our words
  std::string section;    // where the article makes it
  std::string measured;   // the measured quantity and its value
  std::string threshold;  // what it must satisfy
  Verdict verdict = Verdict::not_evaluated;
  bool from_article = true;  // false: a check we added beyond what the article states
};

// A claim that could not be evaluated, with the reason in `measured` (never dropped from a table).
ClaimResult not_evaluated(std::string id, std::string subject, std::string reason);

// Checks on one run.
ClaimResult check_only_h_features(const RunResults& run, const Thresholds& t);     // two norms ~1, rest ~0
ClaimResult check_kept_rows_orthogonal(const RunResults& run, const Thresholds& t);
ClaimResult check_kept_are_most_important(const RunResults& run, const Thresholds& t);
ClaimResult check_bias_interference_near_zero(const RunResults& run, const Thresholds& t);
ClaimResult check_all_features_represented(const RunResults& run, const Thresholds& t);
ClaimResult check_norms_follow_importance(const RunResults& run, const Thresholds& t);
ClaimResult check_two_orthogonal_lines(const RunResults& run, const Thresholds& t);
ClaimResult check_bias_offsets_shared_direction(const RunResults& run, const Thresholds& t);
ClaimResult check_distinct_directions(const RunResults& run, const Thresholds& t);
ClaimResult check_negative_interference_clipped(const RunResults& run, const Thresholds& t);
// Checks comparing a sparser run with a denser one of the same activation.
ClaimResult check_less_orthogonal(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_lower_loss(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_lower_relative_loss(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_more_features_when_sparser(const RunResults& denser, const RunResults& sparser,
                                             const Thresholds& t);

// Mean |cos| over pairs of represented rows that do not share a line (0 when all such pairs are
// orthogonal): how far the model is from an orthogonal arrangement.
double mean_abs_cos_between_lines(const Weights& weights, const Thresholds& t);
// Represented rows grouped into lines through the origin (antipodal rows share a line).
std::vector<std::vector<int>> lines_of_rows(const Weights& weights, const Thresholds& t);

}  // namespace superpos
