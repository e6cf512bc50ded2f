#include "claims/declared_claims.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <optional>

#include "claims/claim_names.hpp"

namespace superpos {
namespace {

// What a claim needs of its run(s) beyond being declared; empty when it can be evaluated.
using RunRequirement = std::function<std::optional<std::string>(const RunResults&)>;

struct RunClaim {
  std::string_view name;
  std::string_view summary;
  ClaimResult (*check)(const RunResults&, const Thresholds&);
  RunRequirement unmet;
};

struct ComparisonClaim {
  std::string_view name;
  std::string_view summary;
  ClaimResult (*check)(const RunResults&, const RunResults&, const Thresholds&);
};

std::optional<std::string> always(const RunResults&) { return std::nullopt; }

std::optional<std::string> needs_hidden(const RunResults& run, int hidden) {
  if (run.config.train.hidden == hidden) return std::nullopt;
  return fmt::format("needs hidden = {} (a plane); this run has hidden = {}", hidden, run.config.train.hidden);
}

std::optional<std::string> needs_features_at_least(const RunResults& run, int features) {
  if (run.config.train.features >= features) return std::nullopt;
  return fmt::format("needs at least {} features; this run has {}", features, run.config.train.features);
}

const std::vector<RunClaim>& run_claims() {
  static const std::vector<RunClaim> claims = {
      {"only_h_features", "H rows of norm ~1, the others ~0", check_only_h_features, always},
      {"kept_rows_orthogonal", "the H longest rows are mutually orthogonal", check_kept_rows_orthogonal,
       [](const RunResults& r) { return r.config.train.hidden >= 2 ? std::nullopt
                                        : std::optional<std::string>("needs hidden >= 2"); }},
      {"kept_are_most_important", "the represented rows are the H most important features",
       check_kept_are_most_important, always},
      {"bias_interference_near_zero", "bias and interference ~0", check_bias_interference_near_zero, always},
      {"all_represented", "every feature reconstructed (held out)", check_all_features_represented, always},
      {"norms_follow_importance", "row norms do not increase with the feature index", check_norms_follow_importance,
       always},
      {"two_orthogonal_lines", "the rows lie on two orthogonal lines", check_two_orthogonal_lines,
       [](const RunResults& r) { return needs_hidden(r, 2); }},
      {"bias_offsets_interference", "the most important feature of each shared line has a negative bias",
       check_bias_offsets_shared_direction, always},
      {"distinct_directions", "every feature represented, each on a line of its own", check_distinct_directions,
       always},
      {"negative_interference_clipped", "some feature overlaps every more important one and has a negative bias",
       check_negative_interference_clipped, [](const RunResults& r) { return needs_features_at_least(r, 3); }},
  };
  return claims;
}

const std::vector<ComparisonClaim>& comparison_claims() {
  static const std::vector<ComparisonClaim> claims = {
      {"less_orthogonal", "the sparser run's lines are less orthogonal", check_less_orthogonal},
      {"more_features", "the sparser run represents more features", check_more_features_when_sparser},
      {"more_directions", "the sparser run's rows lie on more distinct lines", check_more_directions_when_sparser},
      {"lower_relative_loss", "the sparser run leaves less of its input energy unexplained",
       check_lower_relative_loss},
  };
  return claims;
}

template <typename Claim>
const Claim& claim_named(const std::vector<Claim>& claims, const std::string& name) {
  const auto found = std::find_if(claims.begin(), claims.end(), [&](const Claim& c) { return c.name == name; });
  // Config validation admits only the names in claim_names.hpp; this is a programming error.
  if (found == claims.end()) throw std::logic_error(fmt::format("claim '{}' has no check", name));
  return *found;
}

ClaimResult not_evaluable(const std::string& id, const std::string& subject, std::string_view summary,
                          const std::string& reason) {
  ClaimResult r = not_evaluated(id, subject, reason);
  r.statement = fmt::format("{} (not evaluated)", summary);
  return r;
}

std::optional<std::string> comparable(const RunResults& denser, const RunResults& sparser) {
  const TrainSettings &a = denser.config.train, &b = sparser.config.train;
  if (a.features != b.features || a.hidden != b.hidden)
    return fmt::format("compares runs of one shape; {} is {} x {}, {} is {} x {}", denser.config.name, a.features,
                       a.hidden, sparser.config.name, b.features, b.hidden);
  return std::nullopt;
}

}  // namespace

std::vector<ClaimResult> evaluate_declared_claims(const std::vector<RunResults>& runs, const Thresholds& t) {
  std::vector<ClaimResult> results;
  for (const RunResults& run : runs) {
    for (const std::string& name : run.config.claims) {
      const RunClaim& claim = claim_named(run_claims(), name);
      if (const auto reason = claim.unmet(run))
        results.push_back(not_evaluable(run.config.name + "." + name, run.config.name, claim.summary, *reason));
      else
        results.push_back(claim.check(run, t));
    }
    const auto denser = std::find_if(runs.begin(), runs.end(), [&](const RunResults& other) {
      return other.config.name == run.config.compare_with;
    });
    for (const std::string& name : run.config.comparison_claims) {
      const ComparisonClaim& claim = claim_named(comparison_claims(), name);
      const std::string id = fmt::format("{}_vs_{}.{}", run.config.compare_with, run.config.name, name);
      const std::string subject = fmt::format("{} vs {}", run.config.compare_with, run.config.name);
      if (denser == runs.end())
        results.push_back(not_evaluable(id, subject, claim.summary,
                                        fmt::format("no configuration named '{}' in this report (compare_with of {})",
                                                    run.config.compare_with, run.config.name)));
      else if (const auto reason = comparable(*denser, run))
        results.push_back(not_evaluable(id, subject, claim.summary, *reason));
      else
        results.push_back(claim.check(*denser, run, t));
    }
  }
  return results;
}

std::string describe_claim_names() {
  std::string out = "Claims about one run (config key `claims`):\n";
  for (const RunClaim& c : run_claims()) out += fmt::format("  {:<30} {}\n", c.name, c.summary);
  out += "Claims comparing compare_with (denser) with this run (config key `comparison_claims`):\n";
  for (const ComparisonClaim& c : comparison_claims()) out += fmt::format("  {:<30} {}\n", c.name, c.summary);
  return out;
}

}  // namespace superpos
