// `superpos train`: one configuration in, one run folder out.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/build_info.hpp"
#include "io/config.hpp"
#include "io/run_results.hpp"
#include "io/sha256.hpp"

namespace po = boost::program_options;

namespace superpos::cli {
namespace {

struct ParsedRun {
  RunConfig config;
  po::variables_map options;
};

ParsedRun parse(const std::vector<std::string>& args, po::options_description& own, bool& wants_help) {
  po::options_description all;
  all.add(own).add(run_config_options());
  po::variables_map vm;
  vm = parse_options(args, all);
  wants_help = vm.count("help") > 0;
  if (wants_help) {
    std::cout << all << "\n";
    return {};
  }
  if (!vm.count("config")) throw InputError("command line: option '--config FILE' is required");
  return {load_run_config(vm["config"].as<std::string>(), vm), vm};
}

std::string join_command(const std::vector<std::string>& args) {
  std::string command = "superpos train";
  for (const std::string& arg : args) command += " " + arg;
  return command;
}

}  // namespace

int train_command(const std::vector<std::string>& args) {
  po::options_description own("superpos train --config FILE --out DIR [--key value ...]");
  own.add_options()("help,h", "show this help")("config", po::value<std::string>(), "configuration file (INI)")(
      "out", po::value<std::string>(), "run folder to write (created if missing)")(
      "quiet", "no progress line even on a terminal");
  bool wants_help = false;
  const ParsedRun parsed = parse(args, own, wants_help);
  if (wants_help) return kExitOk;
  if (!parsed.options.count("out")) throw InputError("command line: option '--out DIR' is required");
  const std::filesystem::path out_dir = parsed.options["out"].as<std::string>();
  ensure_output_directory(out_dir);
  check_directory_replaceable(out_dir, is_run_file);
  check_disk_space(out_dir, run_folder_bytes(parsed.config.train));

  const bool show_progress = !parsed.options.count("quiet") && ::isatty(STDERR_FILENO);
  const long steps = parsed.config.train.steps;
  const auto started = std::chrono::steady_clock::now();
  auto progress = [&](const LossRecord& record) {
    if (!show_progress) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print(stderr, "\r{}: step {}/{}  loss {:.4f}  {:.0f} steps/s ", parsed.config.name, record.step + 1, steps,
               record.loss, elapsed > 0 ? (record.step + 1) / elapsed : 0.0);
    if (record.step == steps - 1) fmt::print(stderr, "\n");
  };
  TrainResult trained;
  try {
    trained = train(parsed.config.train, progress);
  } catch (const DivergenceError& error) {
    // Name the file and the value to change; nothing has been written into the run folder.
    if (show_progress) fmt::print(stderr, "\n");
    fmt::print(stderr, "superpos: {}: {} (lr is {})\n", parsed.options["config"].as<std::string>(), error.what(),
               parsed.config.train.lr);
    return kExitDiverged;
  }

  RunResults results;
  results.config = parsed.config;
  results.config_hash = sha256_hex(canonical_text(parsed.config));
  results.trainer_hash = std::string(source_hash_trainer());
  results.command = join_command(args);
  results.model = trained.model;
  results.loss_log = trained.loss_log;
  results.draws_used = trained.draws_used;
  results.evaluation = evaluate_held_out(trained.model, parsed.config.train, held_out_samples(parsed.config.train));
  // Timing varies run to run, so it lives apart from the deterministic results.
  const nlohmann::ordered_json timing = {{"wall_seconds", trained.wall_seconds}, {"loop_seconds", trained.loop_seconds}, {"steps", steps}};
  // The whole folder is replaced in one step: never new tables beside an old results.json.
  replace_directory_atomically(out_dir, is_run_file, [&](const std::filesystem::path& folder) {
    write_run(results, folder);
    write_file_atomically(folder / "timing.json", timing.dump(1) + "\n");
  });
  return kExitOk;
}

int draws_command(const std::vector<std::string>& args) {
  po::options_description own("superpos draws --config FILE [--key value ...]\n"
                              "Prints the 32-bit draws the run takes from the stream: a run that follows it in\n"
                              "the same stream sets stream_offset to this run's stream_offset plus that count.");
  own.add_options()("help,h", "show this help")("config", po::value<std::string>(), "configuration file (INI)");
  bool wants_help = false;
  const ParsedRun parsed = parse(args, own, wants_help);
  if (wants_help) return kExitOk;
  fmt::print("{}\n", run_draws(parsed.config.train));
  return kExitOk;
}

int hash_command(const std::vector<std::string>& args) {
  if (args.size() != 1) throw InputError("command line: usage: superpos hash trainer|plot|report");
  const std::string& part = args[0];
  if (part == "trainer") fmt::print("{}\n", source_hash_trainer());
  else if (part == "plot") fmt::print("{}\n", source_hash_plot());
  else if (part == "report") fmt::print("{}\n", source_hash_report());
  else throw InputError(fmt::format("command line: unknown part '{}' (expected trainer, plot or report)", part));
  return kExitOk;
}

}  // namespace superpos::cli
