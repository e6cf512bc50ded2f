// Run configurations: one INI file per experiment (report/configs/*.ini), every key overridable on
// the command line by the option of the same name. Values are checked here, once, with messages
// that name the file, line, key and value.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <stdexcept>
#include <map>
#include <string>
#include <vector>

#include "train/notebook_trainer.hpp"
#include "train/trainer.hpp"

namespace superpos {

struct RunConfig {
  std::string name;   // identifier used for output folders: [A-Za-z0-9_.-]+
  std::string title;  // human-readable, for the report
  TrainSettings train;
  // Which claims the report checks on this run (claims/claim_names.hpp). Declared in the config
  // file, so that a changed parameter re-checks the same claims and a copied file brings its own.
  std::vector<std::string> claims;
  std::string compare_with;                     // a denser configuration this run is compared with
  std::vector<std::string> comparison_claims;   // claims comparing compare_with with this run
  // A sweep: one model per sparsity, trained side by side (train.sparsity is then unused). Empty
  // for a single model.
  std::vector<double> instance_sparsities;
  // Each instance's P(feature present) as a float32, for a shared stream's mask rand <= p: for a
  // sweep formula as torch computes B^-linspace(A, C, n), else 1 - S.
  std::vector<float> instance_presence;
  // importance_decays: the sweep once per decay (instance k has decay k / sparsities and sparsity
  // k % sparsities). Empty: every instance has train.importance_decay.
  std::vector<double> instance_decays;
  // instance_stream = shared: the instances draw from one (batch, instances, features) stream as
  // Elhage et al.'s notebook does (train/notebook_trainer.hpp), not each from its own.
  bool shared_stream = false;
  // restarts = K: each instance of a sweep is trained from K initialisations (restart r from
  // restart_seed(seed, r), its own stream) and keeps the one with the lowest held-out loss, the
  // remedy for local minima that Elhage et al. apply. 1: no restarts.
  int restarts = 1;
  // feature_pairs: how a shared stream's features co-occur (notebook_trainer.hpp).
  FeaturePairs feature_pairs = FeaturePairs::independent;
  // A resource limit, not a parameter: not in the config hash. A run whose buffers would exceed
  // it is refused before anything is allocated.
  long memory_limit_mb = 8192;
};

// A problem with the user's input. The message is the whole line to show (without "superpos: ").
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A sweep's instances: sparsities x decays (at least one decay), in the order of their folders iK.
std::size_t instance_count(const RunConfig& sweep);
// Instance k of a sweep as a single model (name NAME.iK, its sparsity and importance decay, no
// sweep lists): what its run records and hashes.
RunConfig instance_config(const RunConfig& sweep, std::size_t k);

// The seed restart r trains from: the seed itself for r = 0, then seed + 1000 r, clear of the
// robustness seeds 0 .. 999 of any restart 0.
std::uint64_t restart_seed(std::uint64_t seed, int restart);

// A shared-stream sweep's training settings (of its first importance decay): the train settings
// and each instance's presence float.
NotebookSettings notebook_settings(const RunConfig& sweep);

// The configuration keys as command-line options (`--sparsity 0.7`), for --help and overrides.
boost::program_options::options_description run_config_options();

// Reads `config_path`, applies the overrides already parsed from the command line (options from
// run_config_options()), and validates every value. Throws InputError.
RunConfig load_run_config(const std::string& config_path,
                          const boost::program_options::variables_map& overrides);

// The same with overrides given as key -> value (the renderer recomputes a seed run's config hash
// from its file and the --seed/--stream_offset the Makefile trained it with).
RunConfig load_run_config(const std::string& config_path, const std::map<std::string, std::string>& overrides);

// The resolved configuration as `key = value` lines in a fixed order: what the config hash covers
// and what results.json records.
std::string canonical_text(const RunConfig& config);

// The same as (key, value) pairs in that order: what the report's tables, its {{config}} values
// and `superpos diff` read.
std::vector<std::pair<std::string, std::string>> config_entries(const RunConfig& config);

// The one pattern for names that become folder names and make targets: [A-Za-z0-9_.-]+ (not . or ..).
bool is_safe_name(const std::string& name);

}  // namespace superpos
