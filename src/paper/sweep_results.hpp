// A trained sweep as the paper's chapters read it: the config it was trained from and each
// instance's run with its sparsity and importance decay, in the order of the folders iK.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "io/run_results.hpp"

namespace superpos {

struct SweepInstance {
  double sparsity = 0.0;
  double importance_decay = 0.0;
  RunResults run;
  // With restarts = K: the kept restart and every restart's held-out loss (empty without).
  int restart = 0;
  std::vector<double> restart_losses;
};

struct SweepResults {
  std::string config_path;
  RunConfig config;
  std::vector<SweepInstance> instances;
};

// Reads the sweep `dir` trained from `config_path` (with `overrides`, as the Makefile passed them)
// and checks that it is of that config as it is now and of this trainer: a stale or partial sweep
// is an InputError naming the folder and what to run.
SweepResults read_sweep(const std::string& config_path, const std::filesystem::path& dir,
                        const std::map<std::string, std::string>& overrides = {});

// The same, from RUNS/NAME, NAME being the config's name: the config is read once.
SweepResults read_sweep_in(const std::string& config_path, const std::filesystem::path& runs,
                           const std::map<std::string, std::string>& overrides = {});

// Whether every instance folder that DIR/instances.json lists is there with the record it was
// written with (false for a missing, edited or damaged one, or a listing of an older format): a
// sweep that is not intact is stale, and make retrains it (`superpos check-sweeps`).
bool sweep_is_intact(const std::filesystem::path& dir);

// The instances of one importance decay (a grid's row), in sparsity order.
std::vector<const SweepInstance*> instances_with_decay(const SweepResults& sweep, double decay);

}  // namespace superpos
