// `superpos bench`: times each configuration (median of repeats), the random-number floor under it
// and the PyTorch reference on the same stream, and writes the table as CSV and Markdown.
#include <algorithm>
#include <cstdlib>
#include <boost/program_options.hpp>
#include <thread>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "bench/benchmark.hpp"
#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"

namespace po = boost::program_options;

namespace superpos::cli {

int bench_command(const std::vector<std::string>& args) {
  po::options_description own(
      "superpos bench --config FILE... --out DIR [--repeats 5] [--torch SCRIPT] [--scaling]\n"
      "Times training (the loop alone, median of --repeats `superpos train` processes, one thread), the\n"
      "random numbers alone, and, when --torch is given and python3 imports torch, the PyTorch\n"
      "reference on the same stream. Writes DIR/bench.csv and DIR/bench.md and prints the table");
  own.add_options()("help,h", "show this help")("config", po::value<std::vector<std::string>>(),
                                                 "configuration file (INI), repeatable")(
      "out", po::value<std::string>(), "folder for bench.csv and bench.md")(
      "repeats", po::value<int>()->default_value(5), "timed runs per configuration, >= 1")(
      "torch", po::value<std::string>(), "the PyTorch reference script (tests/reference/torch_reference.py)")(
      "seed-runs", po::value<int>(), "with --seed-runs-seconds: how many robustness runs `make -j2` trained")(
      "seed-runs-seconds", po::value<double>(), "how long they took")(
      "seed-runs-how", po::value<std::string>()->default_value("make -j2"), "the command that trained them (make bench's)")(
      "paper-sweep", po::value<std::vector<std::string>>(), "one of the paper's sweeps (report/paper/*.ini), timed whole "
      "on 1 and 2 threads, repeatable")(
      "anchors", po::value<std::string>(), "JSON lines of the notebook's times on a GPU, measured elsewhere "
      "(report/anchors/notebook_sweeps_h200.jsonl)")(
      "scaling", "add rows for the Anthropic paper's sizes: 20 x 5, 100 x 20 and 400 x 40, 1,000 steps each, and a 10-instance "
      "100 x 20 sweep on 1 and all threads (relu_09's other keys, or the last config's)");
  po::variables_map vm;
  vm = parse_options(args, own);
  if (vm.count("help")) {
    std::cout << own << "\n";
    return kExitOk;
  }
  if (!vm.count("config")) throw InputError("command line: option '--config FILE' is required");
  if (!vm.count("out")) throw InputError("command line: option '--out DIR' is required");
  const int repeats = vm["repeats"].as<int>();
  if (repeats < 1)
    throw InputError(fmt::format("command line: key 'repeats': value '{}' is out of range (expected >= 1)", repeats));
  const std::filesystem::path out_dir = vm["out"].as<std::string>();
  ensure_output_directory(out_dir);
  // Asked once: each check starts a Python that imports torch.
  bool with_torch = vm.count("torch") > 0;
  if (with_torch && !torch_available()) {
    fmt::print(stderr, "superpos bench: {} cannot import torch (apt-get install python3-torch); PyTorch columns left empty\n",
               python());
    with_torch = false;
  }

  struct Job {
    std::string config_path;
    std::vector<std::string> overrides;
  };
  std::vector<Job> jobs;
  for (const std::string& path : vm["config"].as<std::vector<std::string>>()) jobs.push_back({path, {}});
  // The larger models take relu_09's settings (sparsity 0.9, ReLU: the measurements), or
  // the last configuration's when there is no relu_09.
  std::string scaling_config = jobs.back().config_path;
  for (const Job& job : jobs)
    if (std::filesystem::path(job.config_path).stem() == "relu_09") scaling_config = job.config_path;
  if (vm.count("scaling"))
    for (const auto& [features, hidden] : {std::pair{"20", "5"}, {"100", "20"}, {"400", "40"}})
      jobs.push_back({scaling_config, {"--name", fmt::format("larger_{}x{}", features, hidden), "--features",
                                                features, "--hidden", hidden, "--steps", "1000"}});

  // Each timed process runs alone and is told its thread count; under make (which runs make bench
  // with a jobserver it does not hand to this recipe) superpos train would otherwise take one thread
  // whatever it was told, and "every core" would time one.
  ::unsetenv("MAKEFLAGS");
  ::unsetenv("MFLAGS");

  std::vector<BenchRow> rows;
  for (const Job& job : jobs) {
    po::variables_map overrides;
    po::store(po::command_line_parser(job.overrides).options(run_config_options()).run(), overrides);
    const RunConfig config = load_run_config(job.config_path, overrides);
    BenchRow row;
    row.name = config.name;
    row.settings = config.train;
    // A larger model's run is long enough that three give a steady median.
    const int row_repeats = job.overrides.empty() ? repeats : std::min(repeats, 3);
    fmt::print(stderr, "superpos bench: {} ({} run{})\n", row.name, row_repeats, row_repeats == 1 ? "" : "s");
    const std::string scratch = (out_dir / ".bench-run").string();
    std::vector<std::string> argv = {std::filesystem::read_symlink("/proc/self/exe").string(), "train", "--config",
                                     job.config_path, "--out", scratch, "--quiet", "--threads", "1"};
    argv.insert(argv.end(), job.overrides.begin(), job.overrides.end());
    // One untimed run first: the first process after a pause ran ~15% slower (clock and caches
    // warming up), which made whichever configuration came first look slower than the others.
    if (job.overrides.empty()) {
      double ignored_rss = 0.0;
      time_training_processes(argv, scratch, 1, ignored_rss);
    }
    row.superpos = time_training_processes(argv, scratch, row_repeats, row.superpos_peak_rss_mb);
    if (!job.overrides.empty() && std::thread::hardware_concurrency() > 1) {
      std::vector<std::string> all_threads = argv;
      all_threads[std::find(all_threads.begin(), all_threads.end(), "--threads") - all_threads.begin() + 1] = "0";
      double rss = 0.0;
      row.superpos_all_threads = time_training_processes(all_threads, scratch, row_repeats, rss);
      row.superpos_peak_rss_mb = std::max(row.superpos_peak_rss_mb, rss);
    }
    row.floor = time_random_numbers(row.settings, row_repeats);
    if (with_torch) row.torch = time_torch_reference(vm["torch"].as<std::string>(), row.settings);
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    if (with_torch && !job.overrides.empty() && cores > 1)
      row.torch_all_threads = time_torch_reference(vm["torch"].as<std::string>(), row.settings, cores);
    rows.push_back(row);
  }
  // The sweep: 10 instances of 100 x 20 side by side, on one thread and on every core.
  std::optional<SweepTiming> sweep;
  if (vm.count("scaling")) {
    SweepTiming t{10, 100, 20, std::max(1u, std::thread::hardware_concurrency()), {}, {}};
    fmt::print(stderr, "superpos bench: a sweep of {} instances of {} x {} on 1 and {} threads\n", t.instances,
               t.features, t.hidden, t.threads);
    const std::string scratch = (out_dir / ".bench-run").string();
    auto argv = [&](unsigned threads) {
      return std::vector<std::string>{std::filesystem::read_symlink("/proc/self/exe").string(), "train", "--config",
                                      scaling_config, "--name", "sweep", "--features", "100", "--hidden", "20",
                                      "--steps", "1000", "--instances", "1 - 20^-linspace(0, 1, 10)", "--threads",
                                      std::to_string(threads), "--out", scratch, "--quiet"};
    };
    double ignored_rss = 0.0;
    t.one_thread = time_training_processes(argv(1), scratch, std::min(repeats, 3), ignored_rss);
    t.all_threads = time_training_processes(argv(t.threads), scratch, std::min(repeats, 3), ignored_rss);
    sweep = t;
  }
  // The paper's sweeps, whole processes at their configured steps (the geometry sweep is minutes).
  std::vector<PaperSweepRow> paper_rows;
  if (vm.count("paper-sweep"))
    for (const std::string& path : vm["paper-sweep"].as<std::vector<std::string>>()) {
      fmt::print(stderr, "superpos bench: the paper's sweep {} on 1 and 2 threads\n", path);
      paper_rows.push_back(time_paper_sweep(std::filesystem::read_symlink("/proc/self/exe").string(), path,
                                            (out_dir / ".bench-run").string(),
                                            vm.count("anchors") ? vm["anchors"].as<std::string>() : "", 1));
    }
  write_file_atomically(out_dir / "bench.csv", bench_csv(rows));
  if (!paper_rows.empty()) write_file_atomically(out_dir / "sweeps.csv", paper_sweeps_csv(paper_rows));
  std::optional<SeedRunsTiming> seed_runs;
  if (vm.count("seed-runs") && vm.count("seed-runs-seconds"))
    seed_runs = SeedRunsTiming{vm["seed-runs"].as<int>(), vm["seed-runs-seconds"].as<double>(),
                               vm["seed-runs-how"].as<std::string>()};
  const std::string table = bench_markdown(rows, seed_runs, sweep) +
                            (paper_rows.empty() ? "" : paper_sweeps_markdown(paper_rows, measure_fma_peak()));
  write_file_atomically(out_dir / "bench.md", table);
  std::cout << table;
  return kExitOk;
}

}  // namespace superpos::cli
