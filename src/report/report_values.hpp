// What the report's placeholders and conditions can ask for: numbers, parameter values, tables,
// figures, claims, sentences of structure and provenance, all computed from the runs the report
// was built from (never typed into the report by hand).
#pragma once

#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claims/claims.hpp"
#include "io/run_results.hpp"

namespace superpos {

struct SeedSet {
  std::string label;               // folder name, e.g. "s3"
  std::uint64_t seed = 0;
  std::vector<RunResults> runs;
  std::vector<ClaimResult> claims;
};

struct ReportContext {
  std::vector<std::string> run_order;      // the report's configurations, in the order given
  std::map<std::string, RunResults> runs;  // the runs of the article's seed, by name
  std::vector<ClaimResult> claims;         // claims declared by those runs
  std::vector<SeedSet> seed_sets;          // robustness runs
  Thresholds thresholds;
  nlohmann::json article_printed;          // report/article_printed.json
  // Runs whose chapter the template has rendered so far ({{chapter RUN...}} blocks taken);
  // {{generic_chapters}} writes one for each of the others.
  mutable std::set<std::string> chaptered;
  std::string figures_dir;                 // figures of the runs: DIR/RUN/NAME.{svg,pdf}
  std::string seed_gallery_dir;            // the seed runs' gallery: DIR/RUN.{svg,pdf}
  std::string report_hash;                 // SHA-256 of the renderer's sources
  std::string benchmark_markdown;          // `make bench`'s table, empty when it has not run
  nlohmann::ordered_json paper_claims;     // `superpos paper`'s claims.json (null when not given)
};

// Resolves one placeholder (the verbs are listed at the top of report/report.md).
std::string resolve_placeholder(const ReportContext& context, const std::vector<std::string>& words);

// Whether `{{if WORDS}}` keeps its first branch: `holds|fails|evaluated CLAIM`, `run RUN...`,
// `comparable RUN`, or `chapter RUN...` (every run named is in the report; they count as chaptered).
bool resolve_condition(const ReportContext& context, const std::vector<std::string>& words);

// Throws when words[0] is not a verb resolve_placeholder knows.
void check_placeholder(const std::vector<std::string>& words);

// Largest |ours - printed| over a run's W, or NaN when the article printed no tensor for it.
double max_difference_from_article(const ReportContext& context, const std::string& run);

// The training keys where a run differs from the configuration the article's tensor came from
// ("sparsity 0.7 (article: 0.9)"); empty when the comparison is like for like.
std::vector<std::string> article_differences(const ReportContext& context, const std::string& run);

// The training keys where two runs differ, but for `except` and where in the stream they start
// ("importance_decay 0.7 and 0.9"); empty when they differ in `except` alone.
std::vector<std::string> run_differences(const ReportContext& context, const std::string& a, const std::string& b,
                                         const std::string& except);

// A claim's verdict as the report and the paper's chapters print it: a span the Lua filter
// (templates/verdicts.lua) colours, e.g. [holds]{.verdict-holds}.
std::string badge(const ClaimResult& claim);

}  // namespace superpos
