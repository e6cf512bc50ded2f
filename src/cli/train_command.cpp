// `superpos train`: one configuration in, one run folder out.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <exception>
#include <optional>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/build_info.hpp"
#include "io/config.hpp"
#include "io/read_file.hpp"
#include "io/run_results.hpp"
#include "io/sha256.hpp"
#include "train/computation_trainer.hpp"
#include "train/notebook_trainer.hpp"
#include "train/thread_budget.hpp"

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

// The command as results.json records it. --threads is left out: it changes how long a sweep
// takes, never what it computes, and the folder is the same for any thread count.
std::string join_command(const std::vector<std::string>& args) {
  std::string command = "superpos train";
  for (std::size_t k = 0; k < args.size(); ++k) {
    // --from-parts names where a cluster's jobs left the sweep's tasks: not what it computes either.
    if ((args[k] == "--threads" || args[k] == "--from-parts") && k + 1 < args.size()) {
      ++k;
      continue;
    }
    if (args[k].starts_with("--threads=") || args[k].starts_with("--from-parts=")) continue;
    command += " " + args[k];
  }
  return command;
}

RunResults run_results(const RunConfig& config, const TrainResult& trained, const std::string& command) {
  RunResults results;
  results.config = config;
  results.config_hash = sha256_hex(canonical_text(config));
  results.trainer_hash = std::string(source_hash_trainer());
  results.command = command;
  results.model = trained.model;
  results.loss_log = trained.loss_log;
  results.draws_used = trained.draws_used;
  results.snapshots = trained.snapshots;
  results.evaluation = evaluate_held_out(trained.model, config.train, held_out_samples(config.train));
  return results;
}

// An instance trained from several initialisations (restarts = K): each restart's run, in order.
using Restarts = std::vector<std::optional<RunResults>>;

// The restart an instance keeps: the lowest held-out loss, the earliest on a tie.
std::size_t best_restart(const Restarts& restarts) {
  std::size_t best = 0;
  for (std::size_t r = 1; r < restarts.size(); ++r)
    if (restarts[r]->evaluation.expected_loss < restarts[best]->evaluation.expected_loss) best = r;
  return best;
}

// Each instance's kept run, and, with restarts, which one and every restart's held-out loss (for
// instances.json: a reader sees where the restarts found different minima).
struct KeptRuns {
  std::vector<std::optional<RunResults>> runs;
  nlohmann::ordered_json restarts = nlohmann::ordered_json::array();  // per instance; empty without restarts
};
KeptRuns keep_best(std::vector<Restarts>& trained) {
  KeptRuns kept;
  for (Restarts& restarts : trained) {
    const std::size_t best = best_restart(restarts);
    if (restarts.size() > 1) {
      nlohmann::ordered_json losses = nlohmann::ordered_json::array();
      for (const auto& run : restarts) losses.push_back(run->evaluation.expected_loss);
      kept.restarts.push_back({{"restart", best}, {"restart_losses", losses}});
    }
    kept.runs.push_back(std::move(restarts[best]));
  }
  return kept;
}

// The folder of a sweep: iK/ per instance, instances.json listing them, timing.json apart (timing
// varies run to run; the rest is deterministic). Replaced whole, in one step.
void write_sweep(const RunConfig& sweep, const KeptRuns& kept, const std::filesystem::path& out_dir, double seconds,
                 unsigned threads, const nlohmann::ordered_json& per_instance = nlohmann::ordered_json::array()) {
  const std::vector<std::optional<RunResults>>& results = kept.runs;
  const std::size_t n = results.size();
  // The config's keys too, so that `make status` can name the ones that changed since.
  nlohmann::ordered_json entries = nlohmann::ordered_json::object();
  for (const auto& [key, value] : config_entries(sweep)) entries[key] = value;
  nlohmann::ordered_json listing = {{"format", "superpos-sweep-2"},
                                    {"config_hash", sha256_hex(canonical_text(sweep))},
                                    {"config", entries},
                                    {"trainer_hash", std::string(source_hash_trainer())},
                                    {"instances", nlohmann::ordered_json::array()}};
  const std::size_t per_decay = sweep.instance_sparsities.size();
  for (std::size_t k = 0; k < n; ++k) {
    const RunConfig instance = instance_config(sweep, k);
    nlohmann::ordered_json entry = {{"folder", fmt::format("i{}", k)}, {"sparsity", instance.train.sparsity}};
    // The float the shared stream's mask compares with (for a sweep formula, torch's B^-linspace).
    if (sweep.shared_stream) entry["presence"] = sweep.instance_presence[k % per_decay];
    if (!sweep.instance_decays.empty()) entry["importance_decay"] = instance.train.importance_decay;
    if (!kept.restarts.empty()) entry.update(kept.restarts[k]);
    listing["instances"].push_back(entry);
  }
  const nlohmann::ordered_json timing = {
      {"sweep_seconds", seconds}, {"threads", threads}, {"instances", n}, {"per_instance", per_instance}};
  replace_directory_atomically(out_dir, is_run_file, [&](const std::filesystem::path& folder) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::filesystem::path instance = folder / fmt::format("i{}", k);
      std::filesystem::create_directory(instance);
      write_run(*results[k], instance);
      // The record's digest, checked before the sweep is read or reused (paper/sweep_results.hpp).
      listing["instances"][k]["results_sha256"] = run_record_digest(instance);
    }
    write_file_atomically(folder / "instances.json", listing.dump(1) + "\n");
    write_file_atomically(folder / "timing.json", timing.dump(1) + "\n");
  });
}

// A sweep's work in tasks that depend on no other: each restart of each instance with its own
// stream, or each restart of each importance decay with a shared one (its instances share draws).
// A whole sweep trains them on threads; superpos submit runs each as a Slurm job of its own
// (--part) and assembles the sweep from their folders (--from-parts), the same folder either way.
// A single run (no instances) has none.
std::size_t task_count(const RunConfig& sweep) {
  const std::size_t restarts = static_cast<std::size_t>(sweep.restarts);
  if (sweep.shared_stream) return std::max<std::size_t>(1, sweep.instance_decays.size()) * restarts;
  return instance_count(sweep) * restarts;
}

// What one task trained: an instance's restart each (a shared stream's task gives its decay's
// instances), with the time its instance took (null for a shared stream's, which share one loop).
struct TaskRun {
  std::size_t instance;
  std::size_t restart;
  RunResults results;
  nlohmann::ordered_json timing;
};

// The task's instances and restart, for a diverging task's message.
std::string task_words(const RunConfig& sweep, std::size_t task) {
  const std::size_t restarts = static_cast<std::size_t>(sweep.restarts), r = task % restarts;
  if (sweep.shared_stream) {
    std::string which = sweep.instance_decays.empty()
                            ? std::string()
                            : fmt::format("importance_decay {}: ", sweep.instance_decays[task / restarts]);
    if (restarts > 1) which += fmt::format("restart {}: ", r);
    return which;
  }
  const RunConfig instance = instance_config(sweep, task / restarts);
  return fmt::format("instance {} (sparsity {}, importance_decay {}{}): ", task / restarts, instance.train.sparsity,
                     instance.train.importance_decay, restarts > 1 ? fmt::format(", restart {}", r) : std::string());
}

// Trains task `task` of the sweep (throws DivergenceError). A shared stream's decay shares its
// instances out over `threads`.
std::vector<TaskRun> train_task(const RunConfig& sweep, std::size_t task, const std::string& command, unsigned threads) {
  const std::size_t restarts = static_cast<std::size_t>(sweep.restarts), r = task % restarts;
  std::vector<TaskRun> runs;
  if (sweep.shared_stream) {
    const std::size_t per_decay = sweep.instance_sparsities.size(), d = task / restarts;
    NotebookSettings settings = notebook_settings(sweep);
    settings.train = instance_config(sweep, d * per_decay).train;
    settings.train.seed = restart_seed(settings.train.seed, static_cast<int>(r));
    settings.threads = std::max(1u, threads);
    const NotebookResult trained =
        settings.train.task == Task::absolute_value ? train_computation(settings) : train_notebook(settings);
    for (std::size_t k = 0; k < per_decay; ++k) {
      TrainResult one;
      one.model = trained.instances[k];
      one.loss_log = trained.losses[k];
      one.draws_used = trained.draws_used;  // the whole stream: no instance has one of its own
      runs.push_back({d * per_decay + k, r, run_results(instance_config(sweep, d * per_decay + k), one, command),
                      nlohmann::ordered_json()});
    }
    return runs;
  }
  const std::size_t k = task / restarts;
  const auto started = std::chrono::steady_clock::now();
  const RunConfig instance = instance_config(sweep, k);
  TrainSettings settings = instance.train;
  settings.seed = restart_seed(settings.seed, static_cast<int>(r));
  const TrainResult trained = train(settings, {});
  RunResults results = run_results(instance, trained, command);
  // Where the instance's time went, for make bench: its loop, the whole instance (with the held-out
  // evaluation), and the shares of nonzero entries the large kernel's sparse products could skip
  // (null with the small kernel).
  auto share = [](double value) { return std::isnan(value) ? nlohmann::ordered_json() : nlohmann::ordered_json(value); };
  nlohmann::ordered_json timing = {
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()},
      {"loop_seconds", trained.loop_seconds},
      {"input_nonzero", share(trained.input_nonzero_share)},
      {"grad_nonzero", share(trained.grad_nonzero_share)}};
  runs.push_back({k, r, std::move(results), std::move(timing)});
  return runs;
}

// Prints a diverging task's one line (the config, the task, the trainer's words, the lr) and gives
// the exit status; rethrows anything else.
int report_divergence(const ParsedRun& parsed, std::size_t task, const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const DivergenceError& diverged) {
    fmt::print(stderr, "superpos: {}: {}{} (lr is {})\n", parsed.options["config"].as<std::string>(),
               task_words(parsed.config, task), diverged.what(), parsed.config.train.lr);
  }
  return kExitDiverged;
}

// The sweep from its tasks' runs: each instance keeps its best restart; written whole.
void write_tasks(const RunConfig& sweep, std::vector<std::vector<TaskRun>>& tasks, const std::filesystem::path& out_dir,
                 double seconds, unsigned threads) {
  const std::size_t n = instance_count(sweep), restarts = static_cast<std::size_t>(sweep.restarts);
  std::vector<Restarts> trained_runs(n, Restarts(restarts));
  std::vector<nlohmann::ordered_json> timings(n * restarts);
  for (std::vector<TaskRun>& runs : tasks)
    for (TaskRun& run : runs) {
      timings[run.instance * restarts + run.restart] = run.timing;
      trained_runs[run.instance][run.restart] = std::move(run.results);
    }
  const KeptRuns kept = keep_best(trained_runs);
  nlohmann::ordered_json per_instance = nlohmann::ordered_json::array();
  if (!sweep.shared_stream)
    for (std::size_t k = 0; k < n; ++k) {
      nlohmann::ordered_json timing = timings[k * restarts + (restarts > 1 ? kept.restarts[k]["restart"].get<std::size_t>() : 0)];
      if (restarts > 1) {
        double all = 0.0;
        for (std::size_t r = 0; r < restarts; ++r) all += timings[k * restarts + r]["seconds"].get<double>();
        timing["restarts_seconds"] = all;
      }
      per_instance.push_back(timing);
    }
  write_sweep(sweep, kept, out_dir, seconds, threads, per_instance);
}

// A sweep. With its own streams: one model per sparsity, each from the config's seed and its own
// stream (so every instance starts from the same W and sees the same values; only the mask
// differs). From one shared stream, as Elhage et al.'s notebook trains it (notebook_trainer.hpp):
// the instances of one importance decay depend on each other's draws and train in one loop; with
// importance_decays, each decay is such a sweep from the seed's stream. The tasks train on up to
// `requested_threads` threads (the threads they leave idle share out a decay's instances). Each
// instance's results depend on nothing but its own settings: the folder is byte-identical for any
// thread count.
int train_sweep(const ParsedRun& parsed, const std::vector<std::string>& args, const std::filesystem::path& out_dir,
                unsigned requested_threads) {
  const RunConfig& sweep = parsed.config;
  const std::size_t tasks = task_count(sweep);
  ThreadBudget budget(requested_threads);
  const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(budget.threads(), tasks));
  std::vector<std::vector<TaskRun>> runs(tasks);
  const std::string command = join_command(args);
  const auto started = std::chrono::steady_clock::now();
  const auto errors = run_on_threads(tasks, threads, [&](std::size_t task) {
    runs[task] = train_task(sweep, task, command, budget.threads() / threads);
  });
  for (std::size_t task = 0; task < tasks; ++task)
    if (errors[task]) return report_divergence(parsed, task, errors[task]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  write_tasks(sweep, runs, out_dir, seconds, threads);
  return kExitOk;
}

// A part: what `--part T` leaves for --from-parts: part.json listing its runs, each in a folder.
constexpr const char* kPartListing = "part.json";
bool is_part_file(const std::string& name) { return name == kPartListing || name.starts_with("i"); }

int train_part(const ParsedRun& parsed, const std::vector<std::string>& args, const std::filesystem::path& out_dir,
               std::size_t task, unsigned requested_threads) {
  const RunConfig& sweep = parsed.config;
  if (task >= task_count(sweep))
    throw InputError(fmt::format("command line: --part {} is out of range ({} has tasks 0 to {})", task,
                                 parsed.options["config"].as<std::string>(), task_count(sweep) - 1));
  ThreadBudget budget(requested_threads);
  const auto started = std::chrono::steady_clock::now();
  std::vector<TaskRun> runs;
  try {
    runs = train_task(sweep, task, join_command(args), budget.threads());
  } catch (const DivergenceError&) {
    return report_divergence(parsed, task, std::current_exception());
  }
  nlohmann::ordered_json listing = {
      {"task", task},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()},
      {"runs", nlohmann::ordered_json::array()}};
  replace_directory_atomically(out_dir, is_part_file, [&](const std::filesystem::path& folder) {
    for (const TaskRun& run : runs) {
      const std::string name = fmt::format("i{}r{}", run.instance, run.restart);
      std::filesystem::create_directory(folder / name);
      write_run(run.results, folder / name);
      listing["runs"].push_back({{"folder", name}, {"instance", run.instance}, {"restart", run.restart}, {"timing", run.timing}});
    }
    write_file_atomically(folder / kPartListing, listing.dump(1) + "\n");
  });
  return kExitOk;
}

// The sweep from the parts folder (PARTS/tT per task), as train_sweep writes it: each run's model,
// losses and held-out numbers are read back (exactly: results.json keeps every float whole), its
// config and command are this sweep's. A part that is missing, of another config or of other trainer
// code stops it with the file named.
int assemble_parts(const ParsedRun& parsed, const std::vector<std::string>& args, const std::filesystem::path& out_dir,
                   const std::filesystem::path& parts) {
  const RunConfig& sweep = parsed.config;
  const std::size_t tasks = task_count(sweep), restarts = static_cast<std::size_t>(sweep.restarts);
  const std::string command = join_command(args);
  std::vector<std::vector<TaskRun>> runs(tasks);
  std::vector<bool> seen(instance_count(sweep) * restarts, false);
  double seconds = 0.0;
  for (std::size_t task = 0; task < tasks; ++task) {
    const std::filesystem::path part = parts / fmt::format("t{}", task);
    const std::filesystem::path listing_path = part / kPartListing;
    nlohmann::json listing;
    try {
      listing = nlohmann::json::parse(read_file(listing_path));
      seconds += listing.at("seconds").get<double>();
      if (listing.at("task").get<std::size_t>() != task) throw InputError("it is another task's");
      for (const auto& entry : listing.at("runs")) {
        const std::size_t k = entry.at("instance"), r = entry.at("restart");
        if (k >= instance_count(sweep) || r >= restarts || (sweep.shared_stream ? task / restarts != k / sweep.instance_sparsities.size()
                                                                                 : task / restarts != k) ||
            task % restarts != r)
          throw InputError(fmt::format("it lists instance {} restart {}, not of task {}", k, r, task));
        if (seen[k * restarts + r]) throw InputError(fmt::format("it lists instance {} restart {} twice", k, r));
        seen[k * restarts + r] = true;
        const RunResults read = read_run(part / entry.at("folder").get<std::string>());
        const RunConfig instance = instance_config(sweep, k);
        if (read.config_hash != sha256_hex(canonical_text(instance)) || read.trainer_hash != source_hash_trainer())
          throw InputError("it was trained from another config or by other trainer code");
        RunResults results = read;
        results.config = instance;
        results.command = command;
        runs[task].push_back({k, r, std::move(results), entry.at("timing")});
      }
      const std::size_t expected = sweep.shared_stream ? sweep.instance_sparsities.size() : 1;
      if (runs[task].size() != expected)
        throw InputError(fmt::format("it lists {} runs (expected {})", runs[task].size(), expected));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("{}: malformed part listing ({})", listing_path.string(), error.what()));
    } catch (const InputError& error) {
      throw InputError(fmt::format("{}: {}", listing_path.string(), error.what()));
    }
  }
  write_tasks(sweep, runs, out_dir, seconds, 1);
  return kExitOk;
}

po::options_description train_options() {
  po::options_description own("superpos train --config FILE --out DIR [--key value ...]");
  own.add_options()("help,h", "show this help")("config", po::value<std::string>(), "configuration file (INI)")(
      "out", po::value<std::string>(), "run folder to write (created if missing)")(
      "quiet", "no progress line even on a terminal")(
      "threads", po::value<unsigned>()->default_value(0),
      "threads (0: every core; under make -j, only the job slots free): a sweep trains its instances on them, "
      "a single model draws its batches on a second one")(
      "part", po::value<std::size_t>(), "train only task T of a sweep into --out, a part (superpos submit's jobs)")(
      "from-parts", po::value<std::string>(), "write the sweep from its parts, DIR/tT for each task (superpos submit)");
  return own;
}

}  // namespace

TrainJob train_job_of(const std::vector<std::string>& args) {
  po::options_description own = train_options();
  bool wants_help = false;
  const ParsedRun parsed = parse(args, own, wants_help);
  if (wants_help || !parsed.options.count("out")) throw InputError("command line: superpos submit -- train needs --config and --out");
  return {parsed.config, parsed.options["out"].as<std::string>(), task_count(parsed.config)};
}

int train_command(const std::vector<std::string>& args) {
  po::options_description own = train_options();
  bool wants_help = false;
  const ParsedRun parsed = parse(args, own, wants_help);
  if (wants_help) return kExitOk;
  if (!parsed.options.count("out")) throw InputError("command line: option '--out DIR' is required");
  const std::filesystem::path out_dir = parsed.options["out"].as<std::string>();
  ensure_output_directory(out_dir);
  check_directory_replaceable(out_dir, is_run_file);
  check_disk_space(out_dir, run_folder_bytes(parsed.config.train) * std::max<std::size_t>(1, instance_count(parsed.config)));
  // A shared stream always has instances (config validation): a sweep is a config with instances.
  const bool is_sweep = instance_count(parsed.config) > 0;
  if ((parsed.options.count("part") || parsed.options.count("from-parts")) && !is_sweep)
    throw InputError(fmt::format("command line: --part and --from-parts are for a sweep; {} is a single run",
                                 parsed.options["config"].as<std::string>()));
  if (parsed.options.count("part"))
    return train_part(parsed, args, out_dir, parsed.options["part"].as<std::size_t>(), parsed.options["threads"].as<unsigned>());
  if (parsed.options.count("from-parts"))
    return assemble_parts(parsed, args, out_dir, parsed.options["from-parts"].as<std::string>());
  if (is_sweep) return train_sweep(parsed, args, out_dir, parsed.options["threads"].as<unsigned>());

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
  // A single model uses a second core, when it has one to itself, to draw the batches ahead.
  const unsigned requested = parsed.options["threads"].as<unsigned>();
  ThreadBudget budget(std::min(requested == 0 ? 2u : requested, 2u));
  TrainResult trained;
  try {
    trained = train(parsed.config.train, progress, budget.threads());
  } catch (const DivergenceError& error) {
    // Name the file and the value to change; nothing has been written into the run folder.
    if (show_progress) fmt::print(stderr, "\n");
    fmt::print(stderr, "superpos: {}: {} (lr is {})\n", parsed.options["config"].as<std::string>(), error.what(),
               parsed.config.train.lr);
    return kExitDiverged;
  }

  const RunResults results = run_results(parsed.config, trained, join_command(args));
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
  if (parsed.config.shared_stream) {
    // Every importance decay draws the same stream from the seed: one sweep's count.
    const NotebookSettings settings = notebook_settings(parsed.config);
    fmt::print("{}\n", settings.train.task == Task::absolute_value ? computation_draws(settings) : notebook_draws(settings));
  } else {
    fmt::print("{}\n", run_draws(parsed.config.train));
  }
  return kExitOk;
}

}  // namespace superpos::cli
