// superpos: trains the toy models of superposition, plots them, checks the article's claims and
// fills the report. Errors from any subcommand arrive here as exceptions and leave as one line.
#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "io/config.hpp"
#include "train/trainer.hpp"

namespace {

constexpr const char* kUsage =
    "usage: superpos COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  train   --config FILE --out DIR [--key value ...]  train one configuration\n"
    "  plot    --run DIR --out DIR                       draw the figures of a trained run\n"
    "  plot-seeds --name NAME... --seed-runs DIR ...     the robustness gallery: a panel per seed\n"
    "  claims  SET_DIR...                                check the article's claims on folders of runs\n"
    "  render  --template FILE --runs DIR --out FILE      fill the report's Markdown from the results\n"
    "  paper   --intro FILE ... --runs DIR [--template FILE --out DIR]  the paper's chapters and claims\n"
    "  check-sweeps DIR/instances.json...                the sweeps damaged since they were trained\n"
    "  draws   --config FILE                             32-bit draws a run takes (for stream_offset)\n"
    "  hash    trainer|plot|report                       SHA-256 of that stage's sources\n"
    "  bench   --config FILE... --out DIR                time training against PyTorch (make bench)\n"
    "  submit  --name NAME -- train ARGS...              train on a Slurm cluster (make CLUSTER=slurm)\n"
    "  diff    OLD NEW                                   what changed between two report versions\n"
    "  publish --site DIR --build OUT ...                add the report to a site as a new version\n"
    "  status --source DIR --manifests DIR --run ...     what make report would redo, and why (make status)\n"
    "\n"
    "`superpos COMMAND --help` describes each command.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace superpos;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? cli::kExitBadInput : cli::kExitOk;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "train") return cli::train_command(args);
    if (command == "plot") return cli::plot_command(args);
    if (command == "plot-seeds") return cli::plot_seeds_command(args);
    if (command == "claims") return cli::claims_command(args);
    if (command == "render") return cli::render_command(args);
    if (command == "paper") return cli::paper_command(args);
    if (command == "check-sweeps") return cli::check_sweeps_command(args);
    if (command == "submit") return cli::submit_command(args);
    if (command == "job-run") return cli::job_run_command(args);
    if (command == "draws") return cli::draws_command(args);
    if (command == "hash") return cli::hash_command(args);
    if (command == "bench") return cli::bench_command(args);
    if (command == "diff") return cli::diff_command(args);
    if (command == "publish") return cli::publish_command(args);
    if (command == "status") return cli::status_command(args);
    fmt::print(stderr, "superpos: unknown command '{}' (expected train, plot, plot-seeds, claims, render, paper, check-sweeps, submit, job-run, draws, hash, bench, diff, publish or status)\n", command);
    return cli::kExitBadInput;
  } catch (const InputError& error) {
    fmt::print(stderr, "superpos: {}\n", error.what());
    return cli::kExitBadInput;
  } catch (const boost::program_options::error& error) {
    fmt::print(stderr, "superpos: command line: {}\n", error.what());
    return cli::kExitBadInput;
  } catch (const DivergenceError& error) {
    fmt::print(stderr, "superpos: {}\n", error.what());
    return cli::kExitDiverged;
  } catch (const std::exception& error) {
    fmt::print(stderr, "superpos: {}\n", error.what());
    return 1;
  }
}
