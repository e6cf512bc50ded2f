// `make bench`: how long training takes, against the article's PyTorch code on the same stream and
// against the cost of drawing the random numbers alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/fma_peak.hpp"
#include "io/config.hpp"

namespace superpos {

struct Timing {
  std::vector<double> seconds;  // one per repeat, in the order run
  double median() const;
  double min() const;
  double max() const;
};

// Runs `superpos train` (argv, ending in --out DIR) `repeats` times as child processes: the time of
// each is the training loop alone, as its timing.json reports it; `peak_rss_mb` receives the
// largest peak resident memory of those processes. Removes DIR afterwards; `last_timing`, when
// given, receives the last run's timing.json.
Timing time_training_processes(const std::vector<std::string>& train_argv, const std::string& out_dir,
                               int repeats, double& peak_rss_mb, std::string* last_timing = nullptr);

// The floor under any trainer on this stream: every batch's randn and rand, with no model, timed
// like the training loop (seeding, skipping to the offset and the Xavier draw come before the clock
// starts). One time per repeat.
Timing time_random_numbers(const TrainSettings& settings, int repeats);

struct ProcessMeasure {
  double seconds = 0.0;       // the process's own report of its training loop
  double peak_rss_mb = 0.0;   // maximum resident set size of the child process
};

// Runs `argv` as a child process, waits, and returns its peak RSS; `stdout_text` receives what it
// printed. Throws std::runtime_error when it cannot start or exits non-zero.
double run_child(const std::vector<std::string>& argv, std::string& stdout_text);

// The PyTorch reference (tests/reference/torch_reference.py) on `settings`, one thread. Call only
// when torch_available(); throws when the script fails.
ProcessMeasure time_torch_reference(const std::string& script, const TrainSettings& settings, int threads = 1);
// Whether python() imports torch.
bool torch_available();
// The interpreter that runs it: $SUPERPOS_PYTHON, else /usr/bin/python3.
std::string python();

struct BenchRow {
  std::string name;
  TrainSettings settings;
  Timing superpos;                              // one thread
  std::optional<Timing> superpos_all_threads;   // every core (the larger models' rows)
  Timing floor;
  double superpos_peak_rss_mb = 0.0;
  std::optional<ProcessMeasure> torch;             // one thread
  std::optional<ProcessMeasure> torch_all_threads;  // every core (the larger models' rows)
};

// The table as CSV (one header row) and as a Markdown pipe table.
std::string bench_csv(const std::vector<BenchRow>& rows);
// `seed_runs` (count, seconds), when given, adds the time `make -j2` took to train the report's
// robustness runs.
struct SeedRunsTiming {
  int runs = 0;
  double seconds = 0.0;
  std::string how = "make -j2";  // the command that trained them: make bench's, or on a Slurm cluster
};
// A sweep timed on one thread and on every core.
struct SweepTiming {
  int instances = 0, features = 0, hidden = 0;
  unsigned threads = 1;
  Timing one_thread, all_threads;
};
std::string bench_markdown(const std::vector<BenchRow>& rows, const std::optional<SeedRunsTiming>& seed_runs = {},
                           const std::optional<SweepTiming>& sweep = {});

// One of the paper's sweeps (report/paper/*.ini) as a whole `superpos train` process, on 1 and 2
// threads, beside the Anthropic notebook's time on a GPU as measured elsewhere (report/anchors/),
// and the random-number floor: every draw the sweep takes, with no model, on one core.
struct PaperSweepRow {
  std::string name;
  int instances = 0, features = 0, hidden = 0;
  long steps = 0;
  bool shared_stream = false;
  Timing one_thread, two_threads;
  double floor_seconds = 0.0;          // the draws alone, one core
  // The five products' multiply-adds left after skipping zeros, over the whole sweep
  // (bench/fma_peak.hpp), from each instance's nonzero shares as its training reported them; empty
  // for another model than the toy model's (the computation task).
  std::optional<double> product_fmas;
  std::optional<double> anchor_seconds;  // the notebook on the GPU, from the anchors file
  std::string anchor_device;             // e.g. "NVIDIA H200"
};

// Times `config_path`'s sweep; `anchors` is the JSON-lines file (one object per sweep, with
// "sweep", "gpu", "steps" and "seconds") or empty. The anchor is used only when its steps match.
PaperSweepRow time_paper_sweep(const std::string& binary, const std::string& config_path,
                               const std::string& scratch, const std::string& anchors, int repeats);
// The draws of `steps` steps of one sweep instance's stream (or the shared stream), timed over at
// most `sample_steps` steps and scaled: the floor under any trainer on this stream.
double sweep_floor_seconds(const TrainSettings& settings, int instances, bool shared_stream, long sample_steps = 300);
// `peak`: this machine's measured multiply-add rate, for the products floor on 2 cores.
std::string paper_sweeps_markdown(const std::vector<PaperSweepRow>& rows, const FmaPeak& peak);
// The sweep's five-product multiply-adds from its timing.json (`per_instance` shares where the
// kernel counted them, dense where it did not).
double sweep_product_fmas(const TrainSettings& settings, int instances, const std::string& timing_json);
std::string paper_sweeps_csv(const std::vector<PaperSweepRow>& rows);

}  // namespace superpos
