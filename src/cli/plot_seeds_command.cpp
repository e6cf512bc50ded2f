// `superpos plot-seeds`: the robustness gallery, one figure per configuration with a panel per seed,
// each panel marked where one of that configuration's claims fails on the seed. The claims are
// evaluated here as the renderer evaluates them (same library, same thresholds), and figures.json
// records which runs and thresholds the marks came from so the renderer can refuse a stale gallery.
#include <boost/program_options.hpp>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "claims/declared_claims.hpp"
#include "claims/thresholds.hpp"
#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/run_results.hpp"
#include "plot/figures.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {

int plot_seeds_command(const std::vector<std::string>& args) {
  po::options_description options(
      "superpos plot-seeds --name NAME... --seed-runs DIR --seed-count K --thresholds FILE --out DIR");
  options.add_options()("help,h", "show this help")(
      "name", po::value<std::vector<std::string>>()->multitoken(), "the report's configurations, in report order")(
      "seed-runs", po::value<std::string>(), "folder of the robustness runs: DIR/sK/NAME")(
      "seed-count", po::value<unsigned>(), "seeds 0..K-1")(
      "thresholds", po::value<std::string>(), "claim thresholds (the marks are failing claims)")(
      "out", po::value<std::string>(), "folder for NAME.svg, NAME.pdf and figures.json");
  po::variables_map vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  for (const char* required : {"name", "seed-runs", "seed-count", "thresholds", "out"})
    if (!vm.count(required)) throw InputError(fmt::format("command line: option '--{}' is required", required));
  const auto names = vm["name"].as<std::vector<std::string>>();
  const unsigned seed_count = vm["seed-count"].as<unsigned>();
  const fs::path seed_runs = vm["seed-runs"].as<std::string>();
  const std::string thresholds_path = vm["thresholds"].as<std::string>();
  const Thresholds thresholds = load_thresholds(thresholds_path);

  // runs[seed][config], and the claims failing on each seed, by configuration.
  std::vector<std::vector<RunResults>> runs(seed_count);
  std::vector<std::map<std::string, std::vector<std::string>>> failing(seed_count);
  nlohmann::ordered_json hashes = nlohmann::ordered_json::object();
  for (unsigned s = 0; s < seed_count; ++s) {
    for (const std::string& name : names) {
      if (name.empty() || name.find('/') != std::string::npos || name.starts_with("."))
        throw InputError(fmt::format("command line: --name '{}' is not a configuration name", name));
      runs[s].push_back(read_run(seed_runs / fmt::format("s{}", s) / name));
      hashes[name].push_back(runs[s].back().config_hash);
    }
    for (const ClaimResult& claim : evaluate_declared_claims(runs[s], thresholds)) {
      if (claim.verdict != Verdict::fails) continue;
      const auto dot = claim.id.find('.');
      failing[s][claim.id.substr(0, dot)].push_back(claim.id.substr(dot + 1));
    }
  }
  const fs::path out = vm["out"].as<std::string>();
  ensure_output_directory(out);
  const auto is_gallery_file = [](const std::string& file) {
    return file == "figures.json" || file.ends_with(".svg") || file.ends_with(".pdf");
  };
  replace_directory_atomically(out, is_gallery_file, [&](const fs::path& folder) {
    for (std::size_t c = 0; c < names.size(); ++c) {
      std::vector<SeedPanel> panels;
      for (unsigned s = 0; s < seed_count; ++s) panels.push_back({&runs[s][c], failing[s][names[c]]});
      plot_seed_grid(names[c], panels, folder);
    }
    const nlohmann::ordered_json manifest = {{"seed_count", seed_count},
                                             {"thresholds_sha256", thresholds_digest(thresholds_path)},
                                             {"config_hashes", hashes}};
    write_file_atomically(folder / "figures.json", manifest.dump(1) + "\n");
  });
  return kExitOk;
}

}  // namespace superpos::cli
