// What changed between two versions of the report: code, configurations and their keys, claim
// verdicts (on the article's seed and across seeds), and the numbers that moved by more than a
// stated tolerance. Written as a Markdown section, the "what changed" of a published version.
#pragma once

#include <string>
#include <vector>

#include "publish/snapshot.hpp"

namespace superpos {

// Tolerances below which a number has not "moved"; stated in the section.
struct DiffTolerances {
  double weights = 0.01;             // norms, bias, interference
  double degrees = 1.0;              // angles between rows
  double relative_loss_change = 0.01;  // expected loss, as a share of the old value
};

struct SnapshotDiff {
  std::vector<std::string> code_changes;   // "trainer abc -> def"
  std::vector<std::string> added, removed;  // configurations
  int old_seeds = 0, new_seeds = 0;          // robustness seeds behind each version's counts
  struct KeyChange { std::string run, key, old_value, new_value; };
  std::vector<KeyChange> keys;
  struct Flip { std::string id, old_verdict, new_verdict, old_seeds, new_seeds; };
  std::vector<Flip> flips;          // verdict on the article's seed changed
  std::vector<Flip> seed_changes;   // same verdict, different count across seeds
  struct Moved { std::string run, quantity; double old_value, new_value; };
  std::vector<Moved> moved;
  std::vector<std::string> changed_runs;  // runs with a changed key or a moved number, in both versions
};

SnapshotDiff diff_snapshots(const Snapshot& old_version, const Snapshot& new_version, const DiffTolerances& tolerances = {});

// The section; figures (DIR/RUN/weights-change) are linked for each changed run when figures_dir
// is given.
std::string diff_markdown(const SnapshotDiff& diff, const Snapshot& old_version, const DiffTolerances& tolerances,
                          const std::string& figures_dir);

}  // namespace superpos
