// What the report's placeholders can ask for: numbers, tables, figures, claims and provenance, all
// computed from the trained runs (never typed into the report by hand).
#pragma once

#include <map>
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
  std::map<std::string, RunResults> runs;  // the article's runs, by name
  std::vector<ClaimResult> claims;         // claims on the article's runs
  std::vector<SeedSet> seed_sets;          // robustness runs
  Thresholds thresholds;
  nlohmann::json article_printed;          // report/article_printed.json
  std::string figures_dir;                 // figures of the article's runs: DIR/RUN/NAME.{svg,pdf}
  std::string seed_figures_dir;            // weights figures of the seed runs: DIR/LABEL/RUN/weights.*
  std::string report_hash;                 // SHA-256 of the renderer's sources
  std::string benchmark_markdown;          // `make bench`'s table, empty when it has not run
};

// Resolves one placeholder (see report/README-placeholders in report/report.md's header).
std::string resolve_placeholder(const ReportContext& context, const std::vector<std::string>& words);

// Largest |ours - printed| over a run's W, or NaN when the article printed no tensor for it.
double max_difference_from_article(const ReportContext& context, const std::string& run);

}  // namespace superpos
