// Training on a Slurm cluster (make report CLUSTER=slurm): make runs each training job through
// `superpos submit`, which asks Slurm for what the job needs and runs it with srun, then trusts
// nothing but the run's own outputs and Slurm's record of the job.
//   superpos submit --name NAME [--cpus N] [--srun-flags FLAGS] -- train ARGS...
//     (a sweep of independent tasks: a job per task, named NAME:i3 or NAME:d2:r5, then assembled)
//   superpos submit --check-shared DIR [--srun-flags FLAGS]
//   superpos job-run --record FILE --binary-sha256 HASH -- train ARGS...   (what srun starts)
// srun and scontrol are started from argument vectors; no shell is involved.
#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/child_process.hpp"
#include "io/read_file.hpp"
#include "io/sha256.hpp"
#include "train/thread_budget.hpp"
#include "train/trainer.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {
namespace {

constexpr int kExitJobFailed = 4;

int run(const std::vector<std::string>& args, std::string* output = nullptr) {
  return run_child(args, output, "is Slurm's client installed? CLUSTER=slurm needs srun and scontrol");
}

std::string this_binary() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this program's path (/proc/self/exe)");
  return exe.string();
}

// Slurm's record of a job: its JobState (COMPLETED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL,
// PREEMPTED, FAILED, ...), or "" when scontrol no longer knows it. Right after srun returns a job
// may still be COMPLETING (or even RUNNING): its final state is waited for, up to ten seconds.
std::string job_state(const std::string& job_id) {
  std::string state;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string record;
    if (job_id.empty() || run({"scontrol", "show", "job", "-o", job_id}, &record) != 0) return "";
    const auto at = record.find("JobState=");
    if (at == std::string::npos) return "";
    state = record.substr(at + 9, record.find_first_of(" \n", at) - at - 9);
    if (state != "COMPLETING" && state != "RUNNING" && state != "CONFIGURING") return state;
    ::usleep(100'000);
  }
  return state;
}

// What a job asks for: its threads as cores, memory for each thread's training buffers with a
// margin, and time from a deliberately slow rate (0.5 GFLOP/s a core for the three products of a
// step) plus a minute, doubled: a limit that a healthy job never meets.
struct Request {
  unsigned cpus;
  std::uint64_t mem_mb;
  long minutes;
};

Request request_for(const RunConfig& config, unsigned max_cpus) {
  const TrainSettings& t = config.train;
  const std::size_t instances = std::max<std::size_t>(1, instance_count(config));
  // A shared-stream sweep trains one decay per thread; any other sweep one instance per thread; a
  // single model one thread (a second would only draw its batches ahead).
  // Restarts multiply both the work and what can run side by side.
  const std::size_t restarts = static_cast<std::size_t>(config.restarts);
  const std::size_t parallel = restarts * (config.shared_stream ? std::max<std::size_t>(1, config.instance_decays.size())
                                           : config.instance_sparsities.empty() ? 1 : instances);
  const unsigned cpus = static_cast<unsigned>(std::clamp<std::size_t>(parallel, 1, max_cpus));
  const std::uint64_t buffer_mb = (training_buffer_bytes(t) >> 20) + 1;
  const std::uint64_t per_thread_mb = config.shared_stream ? buffer_mb * (config.instance_sparsities.size() + 1) : buffer_mb;
  const std::uint64_t mem_mb = 256 + 2 * cpus * per_thread_mb;
  const double flops = 6.0 * static_cast<double>(instances * restarts) * static_cast<double>(t.steps) * static_cast<double>(t.batch) *
                       t.features * (t.hidden + 1);
  const double seconds = 2.0 * (60.0 + flops / 0.5e9 / cpus);
  return {cpus, mem_mb, std::max(2L, static_cast<long>(std::ceil(seconds / 60.0)))};
}

// The common srun arguments, then the job's own.
std::vector<std::string> srun_args(const std::string& name, const Request& r, const std::string& srun_flags) {
  std::vector<std::string> args = {"srun",
                                   "--quiet",
                                   "--ntasks=1",
                                   fmt::format("--job-name=superpos:{}", name),
                                   fmt::format("--cpus-per-task={}", r.cpus),
                                   fmt::format("--mem={}M", r.mem_mb),
                                   fmt::format("--time={}", r.minutes)};
  for (const std::string& flag : split_words(srun_flags)) args.push_back(flag);
  return args;
}

int check_shared(const fs::path& dir, const std::string& srun_flags) {
  ensure_output_directory(dir);
  const fs::path token = dir / fmt::format(".cluster-check.{}", ::getpid());
  std::error_code ec;
  fs::remove(token, ec);
  std::vector<std::string> args = srun_args("check-shared", {1, 64, 2}, srun_flags);
  for (const std::string& a : {std::string("--"), this_binary(), std::string("job-run"), std::string("--record"),
                               token.string(), std::string("--")})
    args.push_back(a);
  const int status = run(args);
  const bool arrived = fs::exists(token, ec);
  fs::remove(token, ec);
  if (status != 0)
    throw InputError(fmt::format("{}: the cluster check job failed (srun exit {}); is Slurm up, and are SRUN_FLAGS "
                                 "right for this site?", dir.string(), status));
  if (!arrived)
    throw InputError(fmt::format("{}: is not shared with the compute nodes (a job's token did not arrive): put the build "
                                 "folder (OUT) on a file system the nodes mount at the same path", dir.string()));
  return kExitOk;
}

// One Slurm job: srun, then Slurm's record. Made when srun exited 0, Slurm says COMPLETED (or has
// forgotten the job) and the run's `last` file is new; otherwise the line that says why.
struct JobOutcome {
  int status;
  std::string job_id, state;
  bool made;
};

JobOutcome run_job(const std::string& name, const Request& request, const std::string& srun_flags, const fs::path& record,
                   const std::string& binary, const std::string& binary_hash, const std::vector<std::string>& job,
                   const fs::path& last) {
  std::error_code ec;
  const bool existed = fs::exists(last, ec);
  // The run's last file before the job: made only if the job replaced it (by its time on the file
  // system itself, so the nodes' clocks do not matter).
  const auto before = existed ? fs::last_write_time(last, ec) : fs::file_time_type{};
  std::vector<std::string> command = srun_args(name, request, srun_flags);
  for (const std::string& a : {std::string("--"), binary, std::string("job-run"), std::string("--record"), record.string(),
                               std::string("--binary-sha256"), binary_hash, std::string("--")})
    command.push_back(a);
  command.insert(command.end(), job.begin(), job.end());
  JobOutcome outcome{run(command), "", "", false};
  if (fs::exists(record, ec)) {
    outcome.job_id = read_file(record);
    fs::remove(record, ec);
  }
  outcome.state = job_state(outcome.job_id);
  // srun exits 0 when a node fails: the run counts as made only if its last file is new.
  const bool written = fs::exists(last, ec) && (!existed || fs::last_write_time(last, ec) != before);
  outcome.made = outcome.status == 0 && written && (outcome.state.empty() || outcome.state == "COMPLETED");
  return outcome;
}

void print_failure(const std::string& name, const JobOutcome& o) {
  fmt::print(stderr, "superpos: {}: Slurm job {} ended {}{} without a new run; the previous run is kept (run make again "
                     "to resume)\n",
             name, o.job_id.empty() ? std::string("(never started)") : o.job_id, o.state.empty() ? std::string("UNKNOWN") : o.state,
             o.status != 0 ? fmt::format(" (srun exit {})", o.status) : std::string());
}

// A task of a sweep as its job's name says it: the instance (own streams) or the importance decay
// (a shared stream), and the restart when there are several.
std::string task_label(const RunConfig& sweep, std::size_t task) {
  const std::size_t restarts = static_cast<std::size_t>(sweep.restarts);
  std::string label = fmt::format("{}{}", sweep.shared_stream ? "d" : "i", task / restarts);
  if (restarts > 1) label += fmt::format(":r{}", task % restarts);
  return label;
}

// What a task's job asks for: one instance's training, or one decay's shared-stream sweep.
Request task_request(const RunConfig& sweep, std::size_t task, unsigned max_cpus) {
  const std::size_t restarts = static_cast<std::size_t>(sweep.restarts);
  RunConfig part = sweep;
  if (sweep.shared_stream) {
    if (!sweep.instance_decays.empty()) part.instance_decays = {sweep.instance_decays[task / restarts]};
  } else {
    part = instance_config(sweep, task / restarts);
  }
  part.restarts = 1;
  return request_for(part, max_cpus);
}

// A sweep whose tasks are independent (issue #26): each task is a Slurm job of its own, as many in
// flight as make's job slots allow, each writing a part beside OUT; when every one is made, the
// sweep is assembled from them here (superpos train --from-parts), byte-identical to the sweep
// trained in one process, and replaces OUT whole. A failed job leaves OUT as it was.
int submit_parts(const std::string& name, const TrainJob& what, const std::vector<std::string>& train_args,
                 unsigned max_cpus, const std::string& srun_flags, const fs::path& out) {
  // .NAME.parts.tmp.PID beside OUT: temporary_path_for also removes those of builds killed mid-way.
  const fs::path parts = temporary_path_for(fs::path(out.string() + ".parts"));
  std::error_code ec;
  fs::remove_all(parts, ec);
  fs::create_directories(parts);
  // The part's command: the sweep's, with its --out replaced by the part's folder.
  std::vector<std::string> base;
  for (std::size_t k = 0; k < train_args.size(); ++k) {
    if (train_args[k] == "--out") {
      ++k;
      continue;
    }
    if (!train_args[k].starts_with("--out=")) base.push_back(train_args[k]);
  }
  const std::string binary = this_binary(), binary_hash = sha256_hex(read_file(binary));
  std::vector<JobOutcome> outcomes(what.tasks);
  std::vector<char> started(what.tasks, 0);  // char, not bool: written from several threads
  // After a failed job no further one starts (the sweep cannot be made); those in flight finish.
  std::atomic<bool> failed = false;
  ThreadBudget budget(0);  // make's free job slots: JOBS (or -j) bounds the jobs in flight
  const auto errors = run_on_threads(what.tasks, budget.threads(), [&](std::size_t task) {
    if (failed) return;
    started[task] = 1;
    const fs::path folder = parts / fmt::format("t{}", task);
    std::vector<std::string> job = {"train"};
    job.insert(job.end(), base.begin(), base.end());
    for (const std::string& a : {std::string("--out"), folder.string(), std::string("--part"), std::to_string(task)})
      job.push_back(a);
    outcomes[task] = run_job(fmt::format("{}:{}", name, task_label(what.config, task)),
                             task_request(what.config, task, max_cpus), srun_flags,
                             parts / fmt::format(".t{}.job", task), binary, binary_hash, job, folder / "part.json");
    if (!outcomes[task].made) failed = true;
  });
  int status = kExitOk;
  std::size_t not_started = 0;
  for (std::size_t task = 0; task < what.tasks; ++task) {
    if (errors[task]) {
      fs::remove_all(parts, ec);
      std::rethrow_exception(errors[task]);
    }
    if (!started[task]) ++not_started;
    if (!started[task] || outcomes[task].made) continue;
    print_failure(fmt::format("{}:{}", name, task_label(what.config, task)), outcomes[task]);
    if (status != kExitDiverged) status = outcomes[task].status == kExitDiverged ? kExitDiverged : kExitJobFailed;
  }
  if (not_started > 0)
    fmt::print(stderr, "superpos: {}: {} of its {} jobs were not started after that\n", name, not_started, what.tasks);
  if (status == kExitOk) {
    std::vector<std::string> assemble = train_args;
    for (const std::string& a : {std::string("--from-parts"), parts.string()}) assemble.push_back(a);
    try {
      status = train_command(assemble);
    } catch (...) {
      fs::remove_all(parts, ec);
      throw;
    }
  }
  fs::remove_all(parts, ec);
  return status;
}

}  // namespace

int submit_command(const std::vector<std::string>& args) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> own(args.begin(), dashes);
  const std::vector<std::string> job(dashes == args.end() ? dashes : dashes + 1, args.end());
  po::options_description options("superpos submit --name NAME [--cpus N] [--srun-flags FLAGS] -- train ARGS...\n"
                                  "superpos submit --check-shared DIR [--srun-flags FLAGS]");
  options.add_options()("help,h", "show this help")("name", po::value<std::string>(), "the run, as the job's name")(
      "cpus", po::value<unsigned>()->default_value(2), "at most this many cores for one job")(
      "srun-flags", po::value<std::string>(), "the site's srun options (--partition=..., ...; default: $SUPERPOS_SRUN_FLAGS)")(
      "check-shared", po::value<std::string>(), "check that DIR is shared with the compute nodes, and stop");
  po::variables_map vm = parse_options(own, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  // make hands SRUN_FLAGS over in the environment, where no shell reads it.
  const char* from_make = std::getenv("SUPERPOS_SRUN_FLAGS");
  const std::string srun_flags = vm.count("srun-flags") ? vm["srun-flags"].as<std::string>() : from_make ? from_make : "";
  if (vm.count("check-shared")) return check_shared(vm["check-shared"].as<std::string>(), srun_flags);
  if (!vm.count("name") || job.empty() || job.front() != "train")
    throw InputError("command line: usage: superpos submit --name NAME -- train ARGS...");
  const std::string name = vm["name"].as<std::string>();
  const std::vector<std::string> train_args(job.begin() + 1, job.end());
  const TrainJob what = train_job_of(train_args);

  const fs::path out = fs::absolute(what.out_dir);
  fs::create_directories(out.parent_path());
  if (what.tasks > 1) return submit_parts(name, what, train_args, std::max(1u, vm["cpus"].as<unsigned>()), srun_flags, out);

  // The job writes its id here first thing: srun does not say it, and Slurm's record is what tells
  // a cancelled, timed-out or failed job from a finished one.
  const fs::path record = out.parent_path() / fmt::format(".{}.job.{}", out.filename().string(), ::getpid());
  const std::string binary = this_binary();
  const fs::path last = out / (what.config.instance_sparsities.empty() ? "results.json" : "instances.json");
  const Request request = request_for(what.config, std::max(1u, vm["cpus"].as<unsigned>()));
  const JobOutcome outcome = run_job(name, request, srun_flags, record, binary, sha256_hex(read_file(binary)), job, last);
  if (outcome.made) return kExitOk;
  print_failure(name, outcome);
  return outcome.status == kExitDiverged ? kExitDiverged : kExitJobFailed;
}

int job_run_command(const std::vector<std::string>& args) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> own(args.begin(), dashes);
  const std::vector<std::string> job(dashes == args.end() ? dashes : dashes + 1, args.end());
  po::options_description options("superpos job-run --record FILE [--binary-sha256 HASH] -- COMMAND ARGS...");
  options.add_options()("record", po::value<std::string>()->required(), "where to write $SLURM_JOB_ID")(
      "binary-sha256", po::value<std::string>(), "the submitting side's binary: this node must run the same");
  po::variables_map vm = parse_options(own, options);
  po::notify(vm);
  const char* job_id = std::getenv("SLURM_JOB_ID");
  write_file_atomically(vm["record"].as<std::string>(), job_id ? job_id : "");
  if (vm.count("binary-sha256") && sha256_hex(read_file(this_binary())) != vm["binary-sha256"].as<std::string>())
    throw InputError(fmt::format("{}: this node's superpos differs from the submitting side's (by hash): the build "
                                 "folder must be shared, at the same path", this_binary()));
  // make's jobserver does not reach across srun: the job's cores are SLURM_CPUS_PER_TASK.
  ::unsetenv("MAKEFLAGS");
  ::unsetenv("MFLAGS");
  if (job.empty()) return kExitOk;
  if (job.front() != "train") throw InputError(fmt::format("command line: job-run runs train, not '{}'", job.front()));
  return train_command(std::vector<std::string>(job.begin() + 1, job.end()));
}

}  // namespace superpos::cli
