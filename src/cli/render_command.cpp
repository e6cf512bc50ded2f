// `superpos render`: fills report/report.md with the results, figures and claim verdicts of exactly
// the runs the Makefile built for this report (configs x seeds), writing the Markdown that pandoc
// turns into HTML and PDF. A run or figure folder that another configuration or older code made
// stops the render with its name: the report never mixes in stale results.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "claims/declared_claims.hpp"
#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/build_info.hpp"
#include "io/read_file.hpp"
#include "io/sha256.hpp"
#include "report/fill_template.hpp"
#include "report/report_values.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {
namespace {

// One run the report needs: where its config is, how the Makefile overrode it, where it was written.
struct ExpectedRun {
  std::string config_path;
  std::map<std::string, std::string> overrides;
  fs::path run_dir;
  fs::path figures_dir;
};

// Reads a run and checks that it was trained from the config as it is now, by the trainer as it
// is now, and that its figures were drawn from it.
RunResults read_current_run(const ExpectedRun& expected) {
  const RunConfig config = load_run_config(expected.config_path, expected.overrides);
  const std::string stem = fs::path(expected.config_path).stem().string();
  if (config.name != stem)
    throw InputError(fmt::format("{}: key 'name': value '{}' differs from the file's name '{}' (the report finds a "
                                 "run by its file name)", expected.config_path, config.name, stem));
  if (!config.instance_sparsities.empty())
    throw InputError(fmt::format("{}: key 'instances': the report's chapters are of single models; train a sweep "
                                 "with `superpos train` and keep it out of the report's configs", expected.config_path));
  if (!fs::exists(expected.run_dir / "results.json"))
    throw InputError(fmt::format("{}: no trained run for {} (run `make report`)", expected.run_dir.string(),
                                 expected.config_path));
  RunResults run = read_run(expected.run_dir);
  if (run.config_hash != sha256_hex(canonical_text(config)))
    throw InputError(fmt::format("{}: was trained from another version of {} (stale run; run `make report`)",
                                 expected.run_dir.string(), expected.config_path));
  if (run.trainer_hash != source_hash_trainer())
    throw InputError(fmt::format("{}: was trained by other trainer code ({}, this binary's is {}; run `make report`)",
                                 expected.run_dir.string(), short_hash(run.trainer_hash), short_hash(std::string(source_hash_trainer()))));
  if (expected.figures_dir.empty()) return run;  // a seed run: drawn in the gallery, checked there
  const fs::path manifest = expected.figures_dir / "figures.json";
  try {
    const nlohmann::json figures = nlohmann::json::parse(read_file(manifest.string()));
    if (figures.at("config_hash") != run.config_hash)
      throw InputError(fmt::format("{}: figures of another version of the run (run `make report`)", manifest.string()));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed figure list ({})", manifest.string(), error.what()));
  }
  return run;
}

// The gallery's marks are failing claims: it must be of exactly these seed runs and thresholds.
void check_gallery_current(const ReportContext& context, const std::string& thresholds_path) {
  const fs::path manifest_path = fs::path(context.seed_gallery_dir) / "figures.json";
  const std::string stale = fmt::format("{}: the seed gallery is of other runs or thresholds (run `make report`)",
                                        manifest_path.string());
  try {
    const nlohmann::json manifest = nlohmann::json::parse(read_file(manifest_path.string()));
    if (manifest.at("seed_count") != context.seed_sets.size() ||
        manifest.at("thresholds_sha256") != thresholds_digest(thresholds_path))
      throw InputError(stale);
    for (std::size_t c = 0; c < context.run_order.size(); ++c)
      for (const SeedSet& set : context.seed_sets)
        if (manifest.at("config_hashes").at(context.run_order[c]).at(set.seed) != set.runs[c].config_hash)
          throw InputError(stale);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed gallery list ({})", manifest_path.string(), error.what()));
  }
}

}  // namespace

int render_command(const std::vector<std::string>& args) {
  po::options_description options(
      "superpos render --template FILE --config FILE... --runs DIR --figures DIR --out FILE [options]");
  options.add_options()("help,h", "show this help")("template", po::value<std::string>()->required(),
                                                    "Markdown template with {{placeholders}}")(
      "config", po::value<std::vector<std::string>>()->required(),
      "a configuration of the report (repeat, in report order); its run is RUNS/NAME")(
      "runs", po::value<std::string>()->required(), "folder of the runs of the configurations as given")(
      "figures", po::value<std::string>()->required(), "figures folder of those runs, as the report links it")(
      "seed-count", po::value<unsigned>()->default_value(0), "robustness seeds 0..K-1 trained for every configuration")(
      "seed-runs", po::value<std::string>()->default_value(""), "folder of the robustness runs: DIR/sK/NAME")(
      "seed-gallery", po::value<std::string>()->default_value(""), "folder of `superpos plot-seeds`: DIR/NAME.svg")(
      "thresholds", po::value<std::string>()->default_value("report/thresholds.ini"), "claim thresholds")(
      "article", po::value<std::string>()->default_value("report/article_printed.json"), "the article's tensors")(
      "claims-json", po::value<std::string>(), "also write the verdicts as JSON")(
      "manifest", po::value<std::string>(), "also write the report's runs and code hashes as JSON")(
      "summary", po::value<std::string>(), "also write the claims verdict as one line")(
      "bench", po::value<std::string>(), "make bench's table (bench.md) for the appendix")(
      "paper-claims", po::value<std::string>(), "`superpos paper`'s claims.json: summarised, and added to --claims-json")(
      "out", po::value<std::string>()->required(), "Markdown to write");
  po::variables_map vm;
  vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  po::notify(vm);
  const auto configs = vm["config"].as<std::vector<std::string>>();
  const unsigned seed_count = vm["seed-count"].as<unsigned>();
  if (seed_count > 0 && (vm["seed-runs"].as<std::string>().empty() || vm["seed-gallery"].as<std::string>().empty()))
    throw InputError("command line: --seed-count needs --seed-runs DIR and --seed-gallery DIR");

  ReportContext context;
  context.thresholds = load_thresholds(vm["thresholds"].as<std::string>());
  std::vector<RunResults> article_runs;
  for (const std::string& config : configs) {
    const std::string name = fs::path(config).stem().string();
    if (context.runs.contains(name)) throw InputError(fmt::format("command line: configuration '{}' given twice", name));
    RunResults run = read_current_run({config, {}, fs::path(vm["runs"].as<std::string>()) / name,
                                       fs::path(vm["figures"].as<std::string>()) / name});
    context.run_order.push_back(name);
    article_runs.push_back(run);
    context.runs.emplace(name, std::move(run));
  }
  context.claims = evaluate_declared_claims(article_runs, context.thresholds);
  for (unsigned s = 0; s < seed_count; ++s) {
    SeedSet set;
    set.label = fmt::format("s{}", s);
    set.seed = s;
    for (const std::string& config : configs) {
      const std::string name = fs::path(config).stem().string();
      set.runs.push_back(read_current_run({config, {{"seed", std::to_string(s)}, {"stream_offset", "0"}},
                                           fs::path(vm["seed-runs"].as<std::string>()) / set.label / name, {}}));
    }
    set.claims = evaluate_declared_claims(set.runs, context.thresholds);
    context.seed_sets.push_back(std::move(set));
  }
  try {
    context.article_printed = nlohmann::json::parse(read_file(vm["article"].as<std::string>()));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed JSON ({})", vm["article"].as<std::string>(), error.what()));
  }
  context.figures_dir = vm["figures"].as<std::string>();
  context.seed_gallery_dir = vm["seed-gallery"].as<std::string>();
  if (seed_count > 0) check_gallery_current(context, vm["thresholds"].as<std::string>());
  context.report_hash = std::string(source_hash_report());
  if (vm.count("bench")) context.benchmark_markdown = read_file(vm["bench"].as<std::string>());
  if (vm.count("paper-claims")) {
    const std::string path = vm["paper-claims"].as<std::string>();
    try {
      context.paper_claims = nlohmann::ordered_json::parse(read_file(path));
      if (!context.paper_claims.is_array()) throw InputError(fmt::format("{}: not a list of claims", path));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("{}: malformed JSON ({})", path, error.what()));
    }
  }

  const std::string template_path = vm["template"].as<std::string>();
  const std::string text = read_file(template_path);
  const TemplateResolver resolver{
      [&](const std::vector<std::string>& words) { return resolve_placeholder(context, words); },
      [&](const std::vector<std::string>& words) { return resolve_condition(context, words); },
      [](const std::vector<std::string>& words) { check_placeholder(words); }};
  const std::string filled = fill_template(text, template_path, resolver);
  if (vm.count("claims-json")) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const ClaimResult& c : context.claims)
      json.push_back({{"id", c.id}, {"verdict", to_string(c.verdict)}, {"from_article", c.from_article},
                      {"statement", c.statement}, {"article_says", c.article_says}, {"section", c.section},
                      {"measured", c.measured}, {"threshold", c.threshold},
                      {"seeds_holding", resolve_placeholder(context, {"robust", c.id})}});
    // The paper's chapters' claims, as `superpos paper` wrote them (each marked from_paper).
    if (!context.paper_claims.is_null())
      for (const auto& claim : context.paper_claims) json.push_back(claim);
    write_file_atomically(vm["claims-json"].as<std::string>(), json.dump(1) + "\n");
  }
  if (vm.count("manifest")) {
    const nlohmann::ordered_json manifest = {
        {"configs", context.run_order},
        {"seeds", seed_count},
        {"code", {{"trainer", std::string(source_hash_trainer())}, {"plot", std::string(source_hash_plot())},
                  {"report", std::string(source_hash_report())}}}};
    write_file_atomically(vm["manifest"].as<std::string>(), manifest.dump(1) + "\n");
  }
  if (vm.count("summary")) {
    std::vector<std::string> failing, unevaluated;
    for (const ClaimResult& c : context.claims) {
      if (c.verdict == Verdict::fails) failing.push_back(c.id);
      if (c.verdict == Verdict::not_evaluated) unevaluated.push_back(c.id);
    }
    std::string line = fmt::format("{} of {} claims hold", context.claims.size() - failing.size() - unevaluated.size(),
                                   context.claims.size());
    if (!failing.empty()) line += fmt::format("; fail: {}", fmt::join(failing, ", "));
    if (!unevaluated.empty()) line += fmt::format("; not evaluated: {}", fmt::join(unevaluated, ", "));
    if (!context.paper_claims.is_null()) {
      std::vector<std::string> paper_failing, paper_fragile;
      for (const auto& claim : context.paper_claims) {
        const std::string verdict = claim.value("verdict", "");
        if (verdict == "fragile") paper_fragile.push_back(claim.value("id", "?"));
        else if (verdict != "holds") paper_failing.push_back(claim.value("id", "?"));
      }
      line += fmt::format(". The paper's chapters: {} of {} claims hold",
                          context.paper_claims.size() - paper_failing.size() - paper_fragile.size(),
                          context.paper_claims.size());
      if (!paper_fragile.empty()) line += fmt::format("; fragile: {}", fmt::join(paper_fragile, ", "));
      if (!paper_failing.empty()) line += fmt::format("; fail: {}", fmt::join(paper_failing, ", "));
    }
    write_file_atomically(vm["summary"].as<std::string>(), line + "\n");
  }
  write_file_atomically(vm["out"].as<std::string>(), filled);
  return kExitOk;
}

}  // namespace superpos::cli
