// `make status`: what `make report` would redo and why, without building anything. Each target is
// read the way the Makefile decides it is stale, and the reason is named as a user would want it:
// the run is missing; its config's keys changed (with the old and new values, from the record the
// run keeps); the trainer's code changed (with the files, from the manifests of the builds that made
// the runs: build/stamps/manifests/HASH.PART); or only the config file's time moved.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace superpos {

// A part's sources as "path:sha256" per file (paths relative to src/), in the order cmake hashes
// them (cmake/hash_sources.cmake): the manifest, and its hash over the same text.
struct SourceManifest {
  std::vector<std::pair<std::string, std::string>> files;  // path, SHA-256
  std::string hash;
};

// The manifest of `patterns` ("dir/*", "io/config.*", "cli/train_command.cpp", space-separated) in
// the source tree `src` as it is on disk now.
SourceManifest manifest_of_tree(const std::filesystem::path& src, const std::string& patterns);
// A manifest from its text ("path:hash" lines).
SourceManifest parse_manifest(const std::string& text);
// The files added, removed or changed between two manifests, as src/PATH, sorted.
std::vector<std::string> changed_files(const SourceManifest& before, const SourceManifest& after);

// One target make report builds from a config: an article run (DIR/results.json) or a sweep
// (DIR/instances.json), trained with these overrides (seed, stream_offset, steps).
struct RunTarget {
  std::string label;  // "relu_09", "relu_09 seed 3", "paper geometry_200x20 seed 1"
  std::filesystem::path dir;
  std::string config;
  std::map<std::string, std::string> overrides;
  bool sweep = false;
  std::optional<int> seed;  // a robustness seed, for grouping "seeds s2-s15"
  bool paper = false;
};

struct StatusInput {
  std::vector<RunTarget> runs;
  std::filesystem::path source;     // src/
  std::filesystem::path manifests;  // where the builds' manifests are kept
  int seeds = 0;                    // SEEDS, for the "not built yet (SEEDS=N)" line
  // The documents: their output, and each input with what it is ("template", "thresholds").
  struct Document {
    std::string name;  // "report", "paper"
    std::filesystem::path output;
    std::vector<std::pair<std::string, std::filesystem::path>> inputs;
    std::string part;                 // the code part it is rendered by ("report", "paper")
    bool reads_runs = true;           // rendered again when an article run or seed run changes
    bool reads_sweeps = true;         // ... when a paper sweep changes
    std::filesystem::path part_stamp;  // the stamp holding the part's hash it was last rendered with
  };
  std::vector<Document> documents;
};

// One line per reason, "relu_09: config changed (sparsity 0.9 -> 0.8)", grouped where many targets
// share one ("all runs: ...", "seeds s2-s15: not built yet (SEEDS=16)"). Empty when nothing is stale.
std::vector<std::string> build_status(const StatusInput& input);

}  // namespace superpos
