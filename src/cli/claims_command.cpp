// `superpos claims SET...`: evaluates the claims each run declares, on each set of runs, and prints a table.
// Exits 1 when one of the article's claims fails on the first set (the article's seed), so `make check` fails loudly.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "claims/declared_claims.hpp"
#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/run_set.hpp"

namespace po = boost::program_options;

namespace superpos::cli {

int claims_command(const std::vector<std::string>& args) {
  po::options_description options("superpos claims [--thresholds FILE] [--json FILE] SET_DIR...");
  options.add_options()("help,h", "show this help")(
      "thresholds", po::value<std::string>()->default_value("report/thresholds.ini"), "reviewed thresholds")(
      "json", po::value<std::string>(), "also write the verdicts as JSON")(
      "list", "list the claim names a configuration file can declare")(
      "sets", po::value<std::vector<std::string>>()->multitoken(), "folders of runs; the first is the article's");
  po::positional_options_description positional;
  positional.add("sets", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (vm.count("list")) {
    std::cout << describe_claim_names();
    return kExitOk;
  }
  if (!vm.count("sets")) throw InputError("command line: give at least one folder of runs");
  const Thresholds thresholds = load_thresholds(vm["thresholds"].as<std::string>());

  bool article_failed = false;
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  const auto sets = vm["sets"].as<std::vector<std::string>>();
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const auto results = evaluate_declared_claims(read_run_set(sets[s]), thresholds);
    fmt::print("{}\n{:<58} {:<14} {}\n", sets[s], "claim", "verdict", "measured (threshold)");
    for (const ClaimResult& c : results) {
      fmt::print("  {:<56} {:<14} {} ({})\n", c.id, to_string(c.verdict), c.measured, c.threshold);
      if (s == 0 && c.from_article && c.verdict == Verdict::fails) article_failed = true;
      json.push_back({{"set", sets[s]}, {"id", c.id}, {"verdict", to_string(c.verdict)}, {"from_article", c.from_article},
                      {"measured", c.measured}, {"threshold", c.threshold}});
    }
  }
  if (vm.count("json")) write_file_atomically(vm["json"].as<std::string>(), json.dump(1) + "\n");
  return article_failed ? kExitClaimFailed : kExitOk;
}

}  // namespace superpos::cli
