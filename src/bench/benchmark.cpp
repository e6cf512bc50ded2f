#include "bench/benchmark.hpp"


#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <fstream>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/config.hpp"
#include "io/read_file.hpp"
#include "random/torch_generator.hpp"
#include "train/batch_sampler.hpp"
#include "train/trainer.hpp"

extern char** environ;

namespace superpos {

double Timing::median() const {
  if (seconds.empty()) return 0.0;
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}
double Timing::min() const { return seconds.empty() ? 0.0 : *std::min_element(seconds.begin(), seconds.end()); }
double Timing::max() const { return seconds.empty() ? 0.0 : *std::max_element(seconds.begin(), seconds.end()); }

Timing time_training_processes(const std::vector<std::string>& train_argv, const std::string& out_dir,
                               int repeats, double& peak_rss_mb, std::string* last_timing) {
  Timing timing;
  peak_rss_mb = 0.0;
  for (int r = 0; r < repeats; ++r) {
    std::string ignored;
    peak_rss_mb = std::max(peak_rss_mb, run_child(train_argv, ignored));
    const std::string text = read_file((std::filesystem::path(out_dir) / "timing.json").string());
    if (last_timing) *last_timing = text;
    // A single model reports its training loop; a sweep, all its instances from first to last.
    const nlohmann::json reported = nlohmann::json::parse(text);
    timing.seconds.push_back(reported.contains("loop_seconds") ? reported.at("loop_seconds").get<double>()
                                                               : reported.at("sweep_seconds").get<double>());
  }
  std::filesystem::remove_all(out_dir);
  return timing;
}

Timing time_random_numbers(const TrainSettings& settings, int repeats) {
  Timing timing;
  BatchScratch scratch;
  for (int r = 0; r < repeats; ++r) {
    TorchGenerator generator(settings.seed);
    generator.discard(settings.stream_offset);
    xavier_normal(settings.features, settings.hidden, generator);
    const auto started = std::chrono::steady_clock::now();
    const auto count = static_cast<std::size_t>(settings.batch) * static_cast<std::size_t>(settings.features);
    scratch.normals.resize(count);
    scratch.uniforms.resize(count);
    for (long step = 0; step < settings.steps; ++step) {
      generator.fill_normal(scratch.normals);
      generator.fill_uniform(scratch.uniforms);
    }
    timing.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return timing;
}

double run_child(const std::vector<std::string>& argv, std::string& stdout_text) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("bench: cannot create a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error(fmt::format("bench: cannot start '{}'", argv[0]));
  }
  stdout_text.clear();
  char buffer[4096];
  for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) stdout_text.append(buffer, static_cast<std::size_t>(got));
  ::close(pipe_fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("bench: '{}' failed", fmt::join(argv, " ")));
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

std::string python() {
  // Debian's python3-torch belongs to the system interpreter, whatever python3 is first on PATH.
  const char* chosen = std::getenv("SUPERPOS_PYTHON");
  return chosen != nullptr && *chosen != '\0' ? chosen : "/usr/bin/python3";
}

bool torch_available() {
  std::string ignored;
  try {
    run_child({python(), "-c", "import torch"}, ignored);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

ProcessMeasure time_torch_reference(const std::string& script, const TrainSettings& settings, int threads) {
  std::string output;
  ProcessMeasure measure;
  measure.peak_rss_mb = run_child(
      {python(), script, "--activation", to_string(settings.activation), "--sparsity",
       fmt::format("{}", settings.sparsity), "--seed", std::to_string(settings.seed), "--stream-offset",
       std::to_string(settings.stream_offset), "--steps", std::to_string(settings.steps), "--batch",
       std::to_string(settings.batch), "--features", std::to_string(settings.features), "--hidden",
       std::to_string(settings.hidden), "--input",
       settings.input == InputDistribution::uniform ? "uniform" : "normal", "--threads", std::to_string(threads)},
      output);
  measure.seconds = nlohmann::json::parse(output).at("train_seconds").get<double>();
  return measure;
}

namespace {

struct Columns {
  std::string steps_per_second, torch_seconds, ratio, torch_rss, over_floor;
};

Columns derived(const BenchRow& row) {
  Columns c;
  const double median = row.superpos.median();
  c.steps_per_second = fmt::format("{:.0f}", static_cast<double>(row.settings.steps) / median);
  c.over_floor = fmt::format("{:.2f}", median / row.floor.median());
  if (row.torch) {
    c.torch_seconds = fmt::format("{:.3f}", row.torch->seconds);
    c.ratio = fmt::format("{:.1f}", row.torch->seconds / median);
    c.torch_rss = fmt::format("{:.0f}", row.torch->peak_rss_mb);
  }
  return c;
}

}  // namespace

std::string bench_csv(const std::vector<BenchRow>& rows) {
  std::string csv =
      "configuration,features,hidden,steps,batch,superpos_s_median,superpos_s_min,superpos_s_max,repeats,"
      "pytorch_s,speedup,steps_per_s,rng_floor_s,train_over_floor,superpos_peak_rss_mb,pytorch_peak_rss_mb,"
      "pytorch_all_threads_s,superpos_all_threads_s\n";
  for (const BenchRow& row : rows) {
    const Columns c = derived(row);
    csv += fmt::format("{},{},{},{},{},{:.4f},{:.4f},{:.4f},{},{},{},{},{:.4f},{},{:.1f},{},{},{}\n", row.name,
                       row.settings.features, row.settings.hidden, row.settings.steps, row.settings.batch,
                       row.superpos.median(), row.superpos.min(), row.superpos.max(), row.superpos.seconds.size(),
                       c.torch_seconds, c.ratio, c.steps_per_second, row.floor.median(), c.over_floor,
                       row.superpos_peak_rss_mb, c.torch_rss,
                       row.torch_all_threads ? fmt::format("{:.4f}", row.torch_all_threads->seconds) : "",
                       row.superpos_all_threads ? fmt::format("{:.4f}", row.superpos_all_threads->median()) : "");
  }
  return csv;
}

std::string bench_markdown(const std::vector<BenchRow>& rows, const std::optional<SeedRunsTiming>& seed_runs,
                           const std::optional<SweepTiming>& sweep) {
  std::string md =
      "| configuration | N x H | steps | superpos s | PyTorch s | speed-up | steps/s | floor s | training / floor "
      "| peak RSS MB, superpos / PyTorch |\n"
      // Pandoc sizes the columns of a wide pipe table by these dashes.
      "|:-----------------|:--------|------:|--------:|--------:|-------:|-------:|------:|-------:|---------:|\n";
  std::size_t article_repeats = 0, larger_repeats = 0;
  for (const BenchRow& row : rows) {
    const Columns c = derived(row);
    const auto or_dash = [](const std::string& s) { return s.empty() ? std::string("–") : s; };
    const std::string torch_cell =
        c.torch_seconds.empty() ? "" : c.torch_seconds + (row.torch_all_threads ? fmt::format(" / {:.3f}", row.torch_all_threads->seconds) : "");
    const std::string superpos_cell =
        fmt::format("{:.3f}", row.superpos.median()) +
        (row.superpos_all_threads ? fmt::format(" / {:.3f}", row.superpos_all_threads->median()) : "");
    md += fmt::format("| {} | {} x {} | {} | {} | {} | {} | {} | {:.3f} | {} | {:.0f} / {} |\n", row.name,
                      row.settings.features, row.settings.hidden, row.settings.steps, superpos_cell,
                      or_dash(torch_cell), or_dash(c.ratio.empty() ? "" : c.ratio + "x"), c.steps_per_second,
                      row.floor.median(), c.over_floor, row.superpos_peak_rss_mb, or_dash(c.torch_rss));
    std::size_t& repeats = row.superpos_all_threads ? larger_repeats : article_repeats;
    repeats = std::max(repeats, row.superpos.seconds.size());
  }
  md += fmt::format(
      "\nSeconds of the training loop, one thread. superpos: median of {} processes per configuration{}"
      " (every time is in bench.csv); PyTorch: one run, on one thread and, for the "
      "larger models, after the slash on all {} cores (speed-up against one thread); superpos on every core "
      "likewise, after its slash (from {} weights on, the batches drawn on a second core while the first "
      "steps; below that, the same one-thread loop). The floor draws the "
      "same random numbers with no model. Peak RSS is the whole process's.\n",
      article_repeats, larger_repeats ? fmt::format(" and of {} per larger model", larger_repeats) : std::string(),
      std::thread::hardware_concurrency(), kDrawAheadFromWeights);
  if (sweep)
    md += fmt::format("\nA sweep of {} instances of {} x {} (1,000 steps each, sparsities 1 - 20^-linspace(0, 1, {})), "
                      "trained side by side: {:.2f} s on one thread, {:.2f} s on {} threads, {:.2f}x faster (median "
                      "of {} runs each).\n",
                      sweep->instances, sweep->features, sweep->hidden, sweep->instances, sweep->one_thread.median(),
                      sweep->all_threads.median(), sweep->threads, sweep->one_thread.median() / sweep->all_threads.median(),
                      sweep->one_thread.seconds.size());
  if (seed_runs)
    md += fmt::format("\nThe report's {} robustness runs, trained by `{}` as `make report` does: {:.1f} s in all.\n",
                      seed_runs->runs, seed_runs->how, seed_runs->seconds);
  return md;
}

double sweep_floor_seconds(const TrainSettings& settings, int instances, bool shared_stream, long sample_steps) {
  const long steps = std::min(settings.steps, sample_steps);
  TorchGenerator generator(settings.seed);
  const auto started = std::chrono::steady_clock::now();
  if (shared_stream) {
    // The notebook draws (batch, instances, features) values and as many uniforms for the mask.
    std::vector<float> values(static_cast<std::size_t>(settings.batch) * instances * settings.features), mask(values.size());
    for (long step = 0; step < steps; ++step) {
      generator.fill_uniform(values);
      generator.fill_uniform(mask);
    }
  } else {
    // Each instance draws its own batch; one instance's draws, times the instances.
    Batch inputs(settings.batch, settings.features);
    BatchScratch scratch;
    for (long step = 0; step < steps; ++step) draw_batch(generator, settings.sparsity, inputs, scratch, settings.input);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double per_step = seconds / static_cast<double>(steps);
  return per_step * static_cast<double>(settings.steps) * (shared_stream ? 1 : instances);
}

double sweep_product_fmas(const TrainSettings& settings, int instances, const std::string& timing_json) {
  const nlohmann::json timing = nlohmann::json::parse(timing_json);
  const nlohmann::json reported = timing.value("per_instance", nlohmann::json::array());
  double fmas = 0.0;
  for (int k = 0; k < instances; ++k) {
    // The large kernel counts its nonzeros (null when it did not run); the others skip nothing.
    NonzeroShares shares;
    if (static_cast<std::size_t>(k) < reported.size()) {
      const nlohmann::json& instance = reported[static_cast<std::size_t>(k)];
      if (instance.contains("input_nonzero") && instance["input_nonzero"].is_number())
        shares.input = instance["input_nonzero"].get<double>();
      if (instance.contains("grad_nonzero") && instance["grad_nonzero"].is_number())
        shares.grad = instance["grad_nonzero"].get<double>();
    }
    fmas += five_product_fmas_per_step(settings.batch, settings.features, settings.hidden, shares) *
            static_cast<double>(settings.steps);
  }
  return fmas;
}

namespace {

// The anchor for `sweep` at `steps` from the JSON-lines file, if it has one.
std::optional<std::pair<double, std::string>> anchor_for(const std::string& anchors, const std::string& sweep, long steps) {
  if (anchors.empty()) return std::nullopt;
  const std::string text = read_file(anchors);
  std::size_t start = 0, line_number = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json entry;
    try {
      entry = nlohmann::json::parse(line);
      if (entry.at("sweep").get<std::string>() == sweep && entry.at("steps").get<long>() == steps)
        return std::pair{entry.at("seconds").get<double>(), entry.value("gpu", entry.value("device", std::string("?")))};
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("{}: line {}: not an anchor record ({})", anchors, line_number, error.what()));
    }
  }
  return std::nullopt;
}

}  // namespace

PaperSweepRow time_paper_sweep(const std::string& binary, const std::string& config_path, const std::string& scratch,
                               const std::string& anchors, int repeats) {
  const RunConfig config = load_run_config(config_path, std::map<std::string, std::string>{});
  PaperSweepRow row;
  row.name = config.name;
  row.instances = static_cast<int>(instance_count(config));
  row.features = config.train.features;
  row.hidden = config.train.hidden;
  row.steps = config.train.steps;
  row.shared_stream = config.shared_stream;
  // One initialisation per instance, as the notebook trains it: restarts multiply the work by K, and
  // the anchor beside this row trained each instance once.
  auto argv = [&](int threads) {
    return std::vector<std::string>{binary, "train", "--config", config_path, "--threads", std::to_string(threads),
                                    "--restarts", "1", "--out", scratch, "--quiet"};
  };
  double ignored_rss = 0.0;
  std::string timing_json;
  row.one_thread = time_training_processes(argv(1), scratch, repeats, ignored_rss);
  row.two_threads = time_training_processes(argv(2), scratch, repeats, ignored_rss, &timing_json);
  row.floor_seconds = sweep_floor_seconds(config.train, row.instances, config.shared_stream);
  if (config.train.task == Task::reconstruct)
    row.product_fmas = sweep_product_fmas(config.train, row.instances, timing_json);
  if (const auto anchor = anchor_for(anchors, row.name, row.steps)) {
    row.anchor_seconds = anchor->first;
    row.anchor_device = anchor->second;
  }
  return row;
}

std::string paper_sweeps_csv(const std::vector<PaperSweepRow>& rows) {
  std::string csv = "sweep,instances,features,hidden,steps,superpos_1_thread_s,superpos_2_threads_s,draws_floor_1_core_s,"
                    "product_fmas,notebook_gpu_s_measured_elsewhere,gpu\n";
  for (const PaperSweepRow& r : rows)
    csv += fmt::format("{},{},{},{},{},{:.3f},{:.3f},{:.3f},{},{},{}\n", r.name, r.instances, r.features, r.hidden,
                       r.steps, r.one_thread.median(), r.two_threads.median(), r.floor_seconds,
                       r.product_fmas ? fmt::format("{:.4g}", *r.product_fmas) : "",
                       r.anchor_seconds ? fmt::format("{:.3f}", *r.anchor_seconds) : "", r.anchor_device);
  return csv;
}

std::string paper_sweeps_markdown(const std::vector<PaperSweepRow>& rows, const FmaPeak& peak) {
  const bool have_peak = peak.per_second > 0.0;
  std::string md =
      "\nThe paper's sweeps (`report/paper/`) at their configured steps, on 1 and 2 threads of this machine: "
      "`superpos train`'s own time for the sweep, from the first instance's start to the last one's end (the "
      "held-out evaluations included; process start-up and writing the folder not). The GPU column is the Anthropic notebook's own training loop on a data-centre "
      "GPU, **measured elsewhere** (`report/anchors/`), not on this machine. The target: every sweep within a third "
      "of the GPU's time on 2 threads, the geometry sweep within the GPU's time.\n\n"
      "Two floors under any trainer on 2 cores. The draws: the sweep's random numbers alone (the stream must be "
      "PyTorch's, bit for bit), timed on one core and halved where the instances draw their own streams (a shared "
      "stream is one sequence). The products: the five products' multiply-adds that skipping zeros leaves, z = h W^T^ "
      "whole and the other four over the nonzero shares of the input and of d loss / d z that each instance's training "
      "reported, ";
  md += have_peak ? fmt::format("at this machine's measured peak of {:.1f} G multiply-adds a second a core ({}, {:.0f} "
                                "GFLOP/s; `superpos bench` times a loop of nothing else), on both cores.",
                                peak.per_second / 1e9, peak.width, 2.0 * peak.per_second / 1e9)
                  : std::string("at a peak this machine's vector units could not be timed for (no AVX2): not shown.");
  md += " A target below the two floors together cannot be met on this machine with float32 arithmetic.\n\n"
        "| sweep | instances | size | steps | notebook on GPU (elsewhere) | superpos 1 thread | superpos 2 threads | "
        "2 threads / GPU | target | draws floor (2 cores) | products floor (2 cores) |\n"
        "|---|--:|---|--:|--:|--:|--:|--:|---|--:|--:|\n";
  for (const PaperSweepRow& r : rows) {
    const double two = r.two_threads.median();
    const bool geometry = r.name.rfind("geometry", 0) == 0;
    std::string target = "—", ratio = "—", gpu = "—", products = "—";
    if (r.anchor_seconds) {
      const double limit = geometry ? *r.anchor_seconds : *r.anchor_seconds / 3.0;
      target = fmt::format("≤ {:.1f} s: {}", limit, two <= limit ? "met" : "**not met**");
      ratio = fmt::format("{:.2f}", two / *r.anchor_seconds);
      gpu = fmt::format("{:.1f} s ({})", *r.anchor_seconds, r.anchor_device);
    }
    if (r.product_fmas && have_peak)
      products = fmt::format("{:.1f} s ({:.3g} T)", *r.product_fmas / (2.0 * peak.per_second),
                             *r.product_fmas / 1e12);
    const double draws = r.shared_stream ? r.floor_seconds : r.floor_seconds / 2.0;
    md += fmt::format("| {} | {} | {} x {} | {} | {} | {:.1f} s | {:.1f} s | {} | {} | {:.1f} s | {} |\n", r.name,
                      r.instances, r.features, r.hidden, r.steps, gpu, r.one_thread.median(), two, ratio, target, draws,
                      products);
  }
  return md;
}

}  // namespace superpos
