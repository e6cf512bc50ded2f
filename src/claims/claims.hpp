// The article's conclusions as machine-checked claims. Each check is a small function of trained
// runs and the reviewed thresholds; it reports what it measured, against what, and the verdict.
// Every check reads quantities that do not change when a row of W flips sign (inputs are
// symmetric about zero, so W_k -> -W_k leaves the expected loss unchanged), and "represented"
// means what the model reconstructs on held-out data, not a row norm.
#pragma once

#include <string>
#include <vector>

#include "claims/thresholds.hpp"
#include "io/run_results.hpp"

namespace superpos {

enum class Verdict { holds, fails, not_evaluated };
std::string to_string(Verdict verdict);

struct ClaimResult {
  std::string id;           // e.g. "linear_0.only_h_features"
  std::string subject;      // the run(s) it is about
  std::string statement;    // what is tested, one line, in our words
  std::string article_says; // the article's own words, briefly (empty for claims of ours)
  std::string section;      // where the article makes it (empty for claims of ours)
  std::string measured;     // the measured quantity and its value
  std::string threshold;    // what it must satisfy
  Verdict verdict = Verdict::not_evaluated;
  bool from_article = true;  // false: a check we added beyond what the article states
};

// A claim that could not be evaluated, with the reason in `measured` (never dropped from a table).
ClaimResult not_evaluated(std::string id, std::string subject, std::string reason);

// The share of feature i's energy the activation could reproduce at best: 1, or 1/2 for a ReLU
// on normal inputs (a ReLU output is never negative; half a symmetric input's energy is).
double achievable_energy(const RunResults& run);
// Held-out explained energy over achievable_energy: 1 = reproduced as well as possible.
Eigen::VectorXd recovered_fraction(const RunResults& run);
// Features the model reconstructs: recovered_fraction >= represented_fraction.
std::vector<int> represented(const RunResults& run, const Thresholds& t);
// Rows long enough to have a direction (>= direction_norm_fraction of the longest row).
std::vector<int> directional_rows(const Weights& weights, const Thresholds& t);
// `rows` grouped into lines through the origin (a row and its negative share a line).
std::vector<std::vector<int>> lines_of_rows(const Weights& weights, const std::vector<int>& rows, const Thresholds& t);
// Mean |cos| over pairs of represented rows on different lines (0 when all are orthogonal).
double mean_abs_cos_between_lines(const RunResults& run, const Thresholds& t);

// Checks on one run.
ClaimResult check_only_h_features(const RunResults& run, const Thresholds& t);
ClaimResult check_kept_rows_orthogonal(const RunResults& run, const Thresholds& t);
ClaimResult check_kept_are_most_important(const RunResults& run, const Thresholds& t);
ClaimResult check_bias_interference_near_zero(const RunResults& run, const Thresholds& t);
ClaimResult check_all_features_represented(const RunResults& run, const Thresholds& t);
ClaimResult check_norms_follow_importance(const RunResults& run, const Thresholds& t);
ClaimResult check_two_orthogonal_lines(const RunResults& run, const Thresholds& t);
ClaimResult check_bias_offsets_shared_direction(const RunResults& run, const Thresholds& t);
ClaimResult check_distinct_directions(const RunResults& run, const Thresholds& t);
ClaimResult check_negative_interference_clipped(const RunResults& run, const Thresholds& t);
// Checks comparing a sparser run with a denser one.
ClaimResult check_less_orthogonal(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_more_features_when_sparser(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_more_directions_when_sparser(const RunResults& denser, const RunResults& sparser, const Thresholds& t);
ClaimResult check_lower_relative_loss(const RunResults& denser, const RunResults& sparser, const Thresholds& t);

}  // namespace superpos
