// The names a configuration file may use in its `claims` and `comparison_claims` keys. Only names:
// the checks themselves live in claims/declared_claims.cpp, which pairs each name with its check.
#pragma once

#include <string_view>

namespace superpos {

// Claims about one run.
inline constexpr std::string_view kRunClaimNames[] = {
    "only_h_features",      "kept_rows_orthogonal", "kept_are_most_important",
    "bias_interference_near_zero", "all_represented", "norms_follow_importance",
    "two_orthogonal_lines", "bias_offsets_interference", "distinct_directions",
    "negative_interference_clipped"};

// Claims comparing a denser run (compare_with) with a sparser one (the run that declares them).
inline constexpr std::string_view kComparisonClaimNames[] = {"less_orthogonal", "more_features", "more_directions",
                                                             "lower_relative_loss"};

}  // namespace superpos
