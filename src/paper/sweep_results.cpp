#include "paper/sweep_results.hpp"

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/build_info.hpp"
#include "io/sha256.hpp"

namespace superpos {

namespace {

// The sweep in `dir` trained from `sweep.config` (loaded once by the caller).
SweepResults read_sweep_of(SweepResults sweep, const std::filesystem::path& dir) {
  const std::string& config_path = sweep.config_path;
  if (sweep.config.instance_sparsities.empty())
    throw InputError(fmt::format("{}: key 'instances' is missing: a chapter of the paper reads a sweep", config_path));
  const std::filesystem::path listing_path = dir / "instances.json";
  std::ifstream in(listing_path);
  if (!in) throw InputError(fmt::format("{}: no trained sweep for {} (run `make report`)", dir.string(), config_path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json listing;
  try {
    listing = nlohmann::json::parse(text.str());
    if (listing.at("config_hash").get<std::string>() != sha256_hex(canonical_text(sweep.config)))
      throw InputError(fmt::format("{}: was trained from another version of {} (stale sweep; run `make report`)",
                                   dir.string(), config_path));
    if (listing.at("trainer_hash").get<std::string>() != source_hash_trainer())
      throw InputError(fmt::format("{}: was trained by other trainer code (run `make report`)", dir.string()));
    const auto& entries = listing.at("instances");
    if (entries.size() != instance_count(sweep.config))
      throw InputError(fmt::format("{}: lists {} instances, the config makes {} (run `make report`)",
                                   listing_path.string(), entries.size(), instance_count(sweep.config)));
    for (std::size_t k = 0; k < entries.size(); ++k) {
      const RunConfig expected = instance_config(sweep.config, k);
      SweepInstance instance;
      instance.sparsity = expected.train.sparsity;
      instance.importance_decay = expected.train.importance_decay;
      const std::string folder = entries[k].at("folder").get<std::string>();
      if (run_record_digest(dir / folder) != entries[k].at("results_sha256").get<std::string>())
        throw InputError(fmt::format("{}/{}/results.json: differs from the record instances.json keeps of it (edited "
                                     "or damaged; run `make report`, which retrains the sweep)", dir.string(), folder));
      instance.run = read_run(dir / folder);
      if (entries[k].contains("restart_losses")) {
        instance.restart = entries[k].at("restart").get<int>();
        instance.restart_losses = entries[k].at("restart_losses").get<std::vector<double>>();
        if (static_cast<int>(instance.restart_losses.size()) != sweep.config.restarts || instance.restart < 0 ||
            instance.restart >= sweep.config.restarts)
          throw InputError(fmt::format("{}: instance {} lists {} restarts, the config trains {} (run `make report`)",
                                       listing_path.string(), folder, instance.restart_losses.size(),
                                       sweep.config.restarts));
      }
      if (instance.run.config_hash != sha256_hex(canonical_text(expected)))
        throw InputError(fmt::format("{}: instance {} is not the config's instance {} (run `make report`)",
                                     dir.string(), entries[k].at("folder").get<std::string>(), k));
      sweep.instances.push_back(std::move(instance));
    }
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed sweep listing ({})", listing_path.string(), error.what()));
  }
  return sweep;
}

SweepResults with_config(const std::string& config_path, const std::map<std::string, std::string>& overrides) {
  SweepResults sweep;
  sweep.config_path = config_path;
  sweep.config = load_run_config(config_path, overrides);
  return sweep;
}

}  // namespace

SweepResults read_sweep(const std::string& config_path, const std::filesystem::path& dir,
                        const std::map<std::string, std::string>& overrides) {
  return read_sweep_of(with_config(config_path, overrides), dir);
}

SweepResults read_sweep_in(const std::string& config_path, const std::filesystem::path& runs,
                           const std::map<std::string, std::string>& overrides) {
  SweepResults sweep = with_config(config_path, overrides);
  const std::filesystem::path dir = runs / sweep.config.name;
  return read_sweep_of(std::move(sweep), dir);
}

bool sweep_is_intact(const std::filesystem::path& dir) {
  try {
    std::ifstream in(dir / "instances.json");
    const nlohmann::json listing = nlohmann::json::parse(in);
    if (listing.at("format") != "superpos-sweep-2") return false;
    for (const auto& entry : listing.at("instances")) {
      const std::string folder = entry.at("folder").get<std::string>();
      if (folder.find('/') != std::string::npos || folder == ".." ||
          run_record_digest(dir / folder) != entry.at("results_sha256").get<std::string>())
        return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<const SweepInstance*> instances_with_decay(const SweepResults& sweep, double decay) {
  std::vector<const SweepInstance*> out;
  for (const SweepInstance& instance : sweep.instances)
    if (instance.importance_decay == decay) out.push_back(&instance);
  return out;
}

}  // namespace superpos
