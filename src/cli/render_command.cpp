// `superpos render`: fills report/report.md with the results, figures and claim verdicts, writing
// the Markdown that pandoc turns into HTML and PDF.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/build_info.hpp"
#include "io/run_set.hpp"
#include "report/fill_template.hpp"
#include "report/report_values.hpp"

namespace po = boost::program_options;

namespace superpos::cli {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<SeedSet> read_seed_sets(const std::filesystem::path& dir, const Thresholds& thresholds) {
  std::vector<SeedSet> sets;
  if (dir.empty() || !std::filesystem::is_directory(dir)) return sets;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    SeedSet set;
    set.label = entry.path().filename().string();
    set.runs = read_run_set(entry.path());
    set.seed = set.runs.front().config.train.seed;
    set.claims = evaluate_claims(set.runs, thresholds);
    sets.push_back(std::move(set));
  }
  std::sort(sets.begin(), sets.end(), [](const SeedSet& a, const SeedSet& b) { return a.seed < b.seed; });
  return sets;
}

}  // namespace

int render_command(const std::vector<std::string>& args) {
  po::options_description options("superpos render --template FILE --runs DIR --out FILE [options]");
  options.add_options()("help,h", "show this help")("template", po::value<std::string>()->required(),
                                                    "Markdown template with {{placeholders}}")(
      "runs", po::value<std::string>()->required(), "folder of the article's runs")(
      "seeds", po::value<std::string>()->default_value(""), "folder of robustness seed sets (s0, s1, ...)")(
      "figures", po::value<std::string>()->default_value("build/figures"), "figures folder, as the report links it")(
      "seed-figures", po::value<std::string>()->default_value("build/seed-figures"), "seed figures folder")(
      "thresholds", po::value<std::string>()->default_value("report/thresholds.ini"), "claim thresholds")(
      "article", po::value<std::string>()->default_value("report/article_printed.json"), "the article's tensors")(
      "claims-json", po::value<std::string>(), "also write the verdicts as JSON")(
      "bench", po::value<std::string>(), "make bench's table (bench.md) for the appendix")(
      "out", po::value<std::string>()->required(), "Markdown to write");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  po::notify(vm);

  ReportContext context;
  context.thresholds = load_thresholds(vm["thresholds"].as<std::string>());
  for (RunResults& run : read_run_set(vm["runs"].as<std::string>())) context.runs.emplace(run.config.name, std::move(run));
  std::vector<RunResults> article_runs;
  for (const auto& [name, run] : context.runs) article_runs.push_back(run);
  context.claims = evaluate_claims(article_runs, context.thresholds);
  context.seed_sets = read_seed_sets(vm["seeds"].as<std::string>(), context.thresholds);
  try {
    context.article_printed = nlohmann::json::parse(read_text(vm["article"].as<std::string>()));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed JSON ({})", vm["article"].as<std::string>(), error.what()));
  }
  context.figures_dir = vm["figures"].as<std::string>();
  context.seed_figures_dir = vm["seed-figures"].as<std::string>();
  context.report_hash = std::string(source_hash_report());
  if (vm.count("bench")) context.benchmark_markdown = read_text(vm["bench"].as<std::string>());

  const std::string template_path = vm["template"].as<std::string>();
  const std::string filled = fill_template(read_text(template_path), template_path,
                                           [&](const std::vector<std::string>& words) {
                                             return resolve_placeholder(context, words);
                                           });
  if (vm.count("claims-json")) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const ClaimResult& c : context.claims)
      json.push_back({{"id", c.id}, {"verdict", to_string(c.verdict)}, {"from_article", c.from_article},
                      {"measured", c.measured}, {"threshold", c.threshold}});
    write_file_atomically(vm["claims-json"].as<std::string>(), json.dump(1) + "\n");
  }
  write_file_atomically(vm["out"].as<std::string>(), filled);
  return kExitOk;
}

}  // namespace superpos::cli
