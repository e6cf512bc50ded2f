// A report's results as the comparison reads them: a published version (VERSION/data/) or a build
// tree (OUT/report/ and OUT/runs/), holding exactly the runs that report was made of, its claim
// verdicts and the hashes of the code that made it.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "io/run_results.hpp"

namespace superpos {

struct Snapshot {
  std::filesystem::path dir;
  std::map<std::string, RunResults> runs;  // by configuration name
  nlohmann::json claims;                   // claims.json: [{id, verdict, seeds_holding, ...}]
  nlohmann::json manifest;                 // manifest.json: {configs, seeds, code: {trainer, plot, report}}
  nlohmann::json meta;                     // meta.json of a published version (null for a build tree)
  int seeds = 0;                           // robustness seeds behind the claims' counts
};

// Throws InputError naming the folder when it is neither a published version nor a build tree.
Snapshot read_snapshot(const std::filesystem::path& dir);

// Where a snapshot keeps its runs and report files.
std::filesystem::path snapshot_runs_dir(const std::filesystem::path& dir);

}  // namespace superpos
