// `superpos status` (make status): what make report would redo and why, one line each, without
// building anything (status/build_status.hpp). The Makefile lists its targets: each run as
// KIND:DIR:CONFIG[:SEED] (KIND run or sweep; its paths are make's, checked to hold no ':'), each
// document as NAME:OUTPUT:PART:STAMP:READS (READS: runs, sweeps or runs+sweeps) with its inputs as NAME:WHAT:PATH.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "io/config.hpp"
#include "status/build_status.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {
namespace {

std::vector<std::string> fields(const std::string& text, std::size_t min, std::size_t max, const char* what) {
  std::vector<std::string> out;
  for (std::size_t at = 0;;) {
    const auto colon = text.find(':', at);
    out.push_back(text.substr(at, colon == std::string::npos ? std::string::npos : colon - at));
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  if (out.size() < min || out.size() > max) throw InputError(fmt::format("command line: {} '{}' is malformed", what, text));
  return out;
}

}  // namespace

int status_command(const std::vector<std::string>& args) {
  po::options_description options("superpos status --source DIR --manifests DIR [--seeds N] [--steps N] "
                                  "--run KIND:DIR:CONFIG[:SEED]... [--document NAME:OUTPUT:PART:STAMP:READS --input NAME:WHAT:PATH]...");
  options.add_options()("help,h", "show this help")("source", po::value<std::string>()->required(), "the src/ folder")(
      "manifests", po::value<std::string>()->required(), "where the builds' source manifests are kept")(
      "seeds", po::value<int>()->default_value(0), "SEEDS, for the message")(
      "steps", po::value<std::string>(), "the steps the sweeps are trained with (make PAPER_STEPS)")(
      "run", po::value<std::vector<std::string>>()->default_value({}, ""), "a run or sweep make report builds")(
      "document", po::value<std::vector<std::string>>()->default_value({}, ""), "a document it renders")(
      "input", po::value<std::vector<std::string>>()->default_value({}, ""), "an input of a document");
  po::variables_map vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  po::notify(vm);
  StatusInput input;
  input.source = vm["source"].as<std::string>();
  input.manifests = vm["manifests"].as<std::string>();
  input.seeds = vm["seeds"].as<int>();
  for (const std::string& given : vm["run"].as<std::vector<std::string>>()) {
    const auto f = fields(given, 3, 4, "--run");
    if (f[0] != "run" && f[0] != "sweep") throw InputError(fmt::format("command line: --run '{}': KIND is run or sweep", given));
    RunTarget run;
    run.sweep = run.paper = f[0] == "sweep";
    run.dir = f[1];
    run.config = f[2];
    const std::string name = fs::path(f[1]).filename().string();
    run.label = run.paper ? "paper " + name : name;
    if (f.size() == 4) {
      run.seed = std::stoi(f[3]);
      run.overrides = {{"seed", f[3]}, {"stream_offset", "0"}};
      run.label += " seed " + f[3];
    }
    if (run.sweep && vm.count("steps") && !vm["steps"].as<std::string>().empty()) run.overrides["steps"] = vm["steps"].as<std::string>();
    input.runs.push_back(run);
  }
  for (const std::string& given : vm["document"].as<std::vector<std::string>>()) {
    const auto f = fields(given, 5, 5, "--document");
    StatusInput::Document doc;
    doc.name = f[0];
    doc.output = f[1];
    doc.part = f[2];
    doc.part_stamp = f[3];
    doc.reads_runs = f[4].find("runs") != std::string::npos;
    doc.reads_sweeps = f[4].find("sweeps") != std::string::npos;
    input.documents.push_back(doc);
  }
  for (const std::string& given : vm["input"].as<std::vector<std::string>>()) {
    const auto f = fields(given, 3, 3, "--input");
    for (auto& doc : input.documents)
      if (doc.name == f[0]) doc.inputs.emplace_back(f[1], f[2]);
  }
  const std::vector<std::string> lines = build_status(input);
  if (lines.empty()) fmt::print("superpos: nothing to redo; make report is up to date\n");
  for (const std::string& line : lines) fmt::print("{}\n", line);
  return kExitOk;
}

}  // namespace superpos::cli
