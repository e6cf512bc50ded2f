// A trained run on disk: results.json (the machine-readable record every later stage reads) plus
// CSV tables for people and spreadsheets. results.json is written last, so its presence means the
// run is complete.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/feature_measures.hpp"
#include "io/config.hpp"
#include "model/toy_model.hpp"
#include "train/trainer.hpp"

namespace superpos {

struct RunResults {
  RunConfig config;
  std::string config_hash;   // SHA-256 of canonical_text(config)
  std::string trainer_hash;  // SHA-256 of the trainer's sources
  std::string command;       // the command line that trained it
  ToyModel model;
  std::vector<LossRecord> loss_log;
  std::uint64_t draws_used = 0;
  HeldOutEvaluation evaluation;  // the trained model on a held-out sample (what the claims read)
  std::vector<WeightSnapshot> snapshots;  // W during training (snapshot_every), in results.json and snapshots.csv
};

// Writes weights.csv, bias.csv, angles.csv, interactions.csv, interference.csv, loss.csv,
// features.csv (norm, dimensionality, superposition, explained energy) and results.json into `dir` (a folder being filled; see replace_directory_atomically).
void write_run(const RunResults& results, const std::filesystem::path& dir);

// About how many bytes a run folder of these settings takes on disk (an upper estimate).
std::uint64_t run_folder_bytes(const TrainSettings& settings);

// Whether `name` is a file a run folder holds (those above, and timing.json).
bool is_run_file(const std::string& name);

// Reads results.json from a run folder; throws InputError naming the file on any problem.
RunResults read_run(const std::filesystem::path& dir);

// SHA-256 of DIR/results.json as written: what a sweep's listing keeps of each instance, so that an
// edited or damaged record is found before it is read. Throws an InputError when it is not a
// readable regular file.
std::string run_record_digest(const std::filesystem::path& dir);

double final_loss(const RunResults& results);

}  // namespace superpos
