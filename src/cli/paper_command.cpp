// `superpos paper`: the chapters on Elhage et al.'s own experiments. Reads the trained sweeps (and
// the robustness seeds' sweeps of the cheap chapters), checks the paper's claims, and either
// prints them (`make check`) or, with --template and --out, replaces OUT whole with paper.md, its
// figures and claims.json. A sweep trained from another version of its config, or by other trainer
// code, stops it with the folder named.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/read_file.hpp"
#include "paper/paper_claims.hpp"
#include "paper/paper_figures.hpp"
#include "paper/paper_report.hpp"
#include "train/thread_budget.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {
namespace {

PaperSweeps as_sweeps(const std::map<std::string, SweepResults>& by_role) {
  PaperSweeps s;
  auto find = [&](const char* role) -> const SweepResults* {
    const auto found = by_role.find(role);
    return found == by_role.end() ? nullptr : &found->second;
  };
  s.intro = find("intro");
  s.many_linear = find("many_linear");
  s.many_relu = find("many_relu");
  s.phase = find("phase");
  s.geometry = find("geometry");
  s.dynamics = find("dynamics");
  s.correlated = find("correlated");
  s.anticorrelated = find("anticorrelated");
  s.correlated_three = find("correlated_three");
  s.computation = find("computation");
  s.computation_small = find("computation_small");
  return s;
}

bool is_paper_file(const std::string& name) {
  return name == "paper.md" || name == "claims.json" || name == "figures";
}

}  // namespace

int paper_command(const std::vector<std::string>& args) {
  po::options_description options(
      "superpos paper --ROLE CONFIG... --runs DIR --thresholds FILE [--seed-runs DIR --seed-count N --seeded ROLE...]\n"
      "               [--template FILE --out DIR] [--json FILE]\n"
      "ROLE is intro, many_linear, many_relu, phase, geometry, dynamics, correlated, anticorrelated, correlated_three,\n"
      "computation or computation_small; a sweep is read from DIR/NAME (NAME: the config's)");
  options.add_options()("help,h", "show this help");
  for (const char* role : kPaperRoles)
    options.add_options()(role, po::value<std::string>(), "configuration (INI) of this chapter's sweep");
  options.add_options()("runs", po::value<std::string>(), "folder of the trained sweeps")(
      "thresholds", po::value<std::string>()->default_value("report/thresholds.ini"), "reviewed thresholds")(
      "seed-runs", po::value<std::string>(), "folder of robustness sweeps: DIR/sK/NAME")(
      "seed-count", po::value<int>()->default_value(0), "robustness seeds 0 .. N-1")(
      "seeded", po::value<std::vector<std::string>>()->multitoken(),
      "roles trained on the robustness seeds; ROLE:N for a role trained on seeds 0 .. N-1 only")(
      "template", po::value<std::string>(), "the chapters' Markdown template (report/paper.md)")(
      "sources", po::value<std::string>(), "the paper's and notebook's settings per chapter (report/paper/sources.json)")(
      "out", po::value<std::string>(), "folder to write paper.md, figures/ and claims.json into (replaced whole)")(
      "json", po::value<std::string>(), "also write the verdicts as JSON")(
      "steps", po::value<std::string>(), "the steps the sweeps were trained with, when not their configs' (make PAPER_STEPS)");
  const po::variables_map vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (!vm.count("runs")) throw InputError("command line: option '--runs DIR' is required");
  if (vm.count("template") != vm.count("out")) throw InputError("command line: --template and --out go together");
  const fs::path runs = vm["runs"].as<std::string>();
  const Thresholds thresholds = load_thresholds(vm["thresholds"].as<std::string>());
  const int seed_count = vm["seed-count"].as<int>();
  if (seed_count < 0 || seed_count > 1000) throw InputError(fmt::format("command line: --seed-count {} is out of range (0 to 1000)", seed_count));

  PaperContext context;
  std::map<std::string, std::string> config_paths;
  std::map<std::string, std::string> overrides;
  if (vm.count("steps")) overrides["steps"] = vm["steps"].as<std::string>();
  for (const char* role : kPaperRoles) {
    if (!vm.count(role)) continue;
    const std::string path = vm[role].as<std::string>();
    config_paths[role] = path;
    SweepResults sweep = read_sweep_in(path, runs, overrides);
    // The phase diagram is of Elhage et al.'s 2 -> 1 model: its three phases are of that shape only.
    const TrainSettings& t = sweep.config.train;
    if (std::string(role) == "phase" && (t.features != 2 || t.hidden != 1))
      throw InputError(fmt::format("{}: keys 'features' and 'hidden': values {} and {} (the phase chapter needs "
                                   "features = 2 and hidden = 1)", path, t.features, t.hidden));
    context.sweeps.emplace(role, std::move(sweep));
  }
  if (context.sweeps.empty()) throw InputError("command line: give at least one chapter's config (--intro FILE, ...)");
  context.robust_share = thresholds.robust_share;
  if (vm.count("sources")) {
    const std::string path = vm["sources"].as<std::string>();
    try {
      context.sources = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("{}: malformed JSON ({})", path, error.what()));
    }
  }
  context.claims = paper_claims(as_sweeps(context.sweeps), thresholds);

  if (vm.count("seeded") && seed_count > 0) {
    if (!vm.count("seed-runs")) throw InputError("command line: --seeded needs --seed-runs DIR");
    const fs::path seed_runs = vm["seed-runs"].as<std::string>();
    context.seed_count = 0;
    for (const std::string& given : vm["seeded"].as<std::vector<std::string>>()) {
      // ROLE or ROLE:N (a costly chapter trained on fewer seeds than the rest).
      const std::size_t colon = given.find(':');
      const std::string role = given.substr(0, colon);
      int seeds = seed_count;
      if (colon != std::string::npos) {
        const std::string count = given.substr(colon + 1);
        if (count.empty() || count.size() > 4 || count.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(count) > seed_count)
          throw InputError(fmt::format("command line: --seeded {}: expected ROLE:N with N from 0 to --seed-count ({})",
                                       given, seed_count));
        seeds = std::stoi(count);
      }
      if (!config_paths.contains(role)) throw InputError(fmt::format("command line: --seeded {}: no such chapter given", given));
      if (seeds == 0) continue;
      context.seeded_roles.push_back(role);
      context.role_seeds[role] = seeds;
      context.seed_count = std::max(context.seed_count, seeds);
    }
    for (int seed = 0; seed < context.seed_count; ++seed) {
      std::map<std::string, SweepResults> seeded;
      std::map<std::string, std::string> seed_overrides = overrides;
      seed_overrides["seed"] = std::to_string(seed);
      seed_overrides["stream_offset"] = "0";
      for (const std::string& role : context.seeded_roles) {
        if (seed >= context.role_seeds[role]) continue;
        seeded.emplace(role, read_sweep_in(config_paths[role], seed_runs / fmt::format("s{}", seed), seed_overrides));
      }
      for (const ClaimResult& claim : paper_claims(as_sweeps(seeded), thresholds)) {
        RobustCount& count = context.robust[claim.id];
        ++count.seeds;
        if (claim.verdict == Verdict::holds) ++count.holds;
      }
    }
  }

  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const ClaimResult& c : context.claims) {
    const auto robust = context.robust.find(c.id);
    json.push_back({{"id", c.id}, {"verdict", shown_verdict(context, c)}, {"from_paper", true}, {"statement", c.statement},
                    {"section", c.section}, {"measured", c.measured}, {"threshold", c.threshold},
                    {"seeds_holding", robust == context.robust.end() ? std::string("—")
                                                                     : fmt::format("{} of {}", robust->second.holds,
                                                                                   robust->second.seeds)}});
  }
  if (!vm.count("template")) {
    fmt::print("the paper's chapters ({})\n{:<40} {:<10} {:<8} {}\n", runs.string(), "claim", "verdict", "seeds", "measured (threshold)");
    for (const auto& entry : json)
      fmt::print("  {:<38} {:<10} {:<8} {} ({})\n", entry["id"].get<std::string>(), entry["verdict"].get<std::string>(),
                 entry["seeds_holding"].get<std::string>(), entry["measured"].get<std::string>(),
                 entry["threshold"].get<std::string>());
  }
  if (vm.count("json")) write_file_atomically(vm["json"].as<std::string>(), json.dump(1) + "\n");
  if (!vm.count("template")) return kExitOk;

  const fs::path out = vm["out"].as<std::string>();
  const std::string template_path = vm["template"].as<std::string>();
  context.figures_dir = (out / "figures").string();
  context.threshold_values = {{"represented_norm", thresholds.represented_norm},
                              {"fraction_tolerance", thresholds.fraction_tolerance},
                              {"trend_agreement", thresholds.trend_agreement},
                              {"plateau_flatness", thresholds.plateau_flatness},
                              {"robust_share", thresholds.robust_share},
                              {"phase_loss_tolerance", thresholds.phase_loss_tolerance},
                              {"monosemantic_purity", thresholds.monosemantic_purity},
                              {"computed_r2", thresholds.computed_r2}};
  // Fill first: a template error stops before any figure is drawn or anything replaced.
  std::set<std::string> explorers;
  context.explorer_roles = &explorers;
  const std::string filled = fill_paper(read_file(template_path), template_path, context);
  ensure_output_directory(out.parent_path().empty() ? fs::path(".") : out.parent_path());
  check_directory_replaceable(out, is_paper_file);
  replace_directory_atomically(out, is_paper_file, [&](const fs::path& folder) {
    const fs::path figures = folder / "figures";
    fs::create_directory(figures);
    for (const auto& [name, role] : paper_figures()) {
      const auto found = context.sweeps.find(role);
      if (found == context.sweeps.end()) continue;
      const SweepResults& sweep = found->second;
      if (name == "intro_panels" || name.starts_with("pairs_")) plot_sweep_panels(sweep, figures / name);
      else if (name == "many_linear" || name == "many_relu") plot_interactions_and_norms(sweep, figures / name);
      else if (name == "phase_diagram") plot_phase_diagram(sweep, thresholds, figures / name);
      else if (name == "geometry_dims") plot_dimensions_per_feature(sweep, thresholds, figures / name);
      else if (name == "dynamics") plot_learning_dynamics(sweep, thresholds, figures / name);
      else if (name.starts_with("computation")) plot_neuron_weights(sweep, thresholds, figures / name);
      else plot_feature_dimensionality(sweep, thresholds, figures / name);
    }
    // The explorers' panels, one SVG per instance (the HTML alone shows them): 190 gnuplot runs for
    // the companion, drawn on the cores make's job slots leave free (a third of the render's time).
    std::vector<std::pair<std::string, std::size_t>> panels;  // role, instance
    for (const std::string& role : explorers) {
      fs::create_directories(figures / "explore" / role);
      for (std::size_t k = 0; k < context.sweeps.at(role).instances.size(); ++k) panels.emplace_back(role, k);
    }
    ThreadBudget budget(0);
    const auto errors = run_on_threads(panels.size(), budget.threads(), [&](std::size_t p) {
      const auto& [role, k] = panels[p];
      plot_instance_panel(context.sweeps.at(role), k, thresholds, figures / "explore" / role / fmt::format("i{}.svg", k));
    });
    for (const std::exception_ptr& error : errors)
      if (error) std::rethrow_exception(error);
    write_file_atomically(folder / "claims.json", json.dump(1) + "\n");
    write_file_atomically(folder / "paper.md", filled);
  });
  return kExitOk;
}

// `superpos check-sweeps LISTING...`: prints each sweep listing (DIR/instances.json) whose folder is
// not intact (an instance deleted, edited or damaged since it was trained), one per line, so that
// make can treat exactly those sweeps as stale. Always exits 0: a damaged sweep is work to redo,
// not an error.
int check_sweeps_command(const std::vector<std::string>& args) {
  for (const std::string& listing : args) {
    if (listing == "--help" || listing == "-h") {
      std::cout << "superpos check-sweeps DIR/instances.json...: prints those whose sweep is not intact\n";
      return kExitOk;
    }
    if (!sweep_is_intact(std::filesystem::path(listing).parent_path())) std::cout << listing << "\n";
  }
  return kExitOk;
}

}  // namespace superpos::cli
