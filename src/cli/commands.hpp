// The subcommands of the superpos CLI. Each returns the process exit status.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <string>
#include <vector>

#include "io/config.hpp"

namespace superpos::cli {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitClaimFailed = 1;  // `claims`: a claim fails on the article's seed
inline constexpr int kExitBadInput = 2;     // a config value, file, or option the user must fix
inline constexpr int kExitDiverged = 3;     // training stopped being finite

// Parses `args` against `options`; a word that is neither an option nor its value (a forgotten
// "--", as in `--quiet sparsity 0.5`) is an error, where Boost would silently drop it.
boost::program_options::variables_map parse_options(const std::vector<std::string>& args,
                                                   const boost::program_options::options_description& options);

int train_command(const std::vector<std::string>& args);

// What `superpos train ARGS` would train and where (for superpos submit's resource requests).
struct TrainJob {
  RunConfig config;
  std::string out_dir;
  std::size_t tasks = 0;  // a sweep's independent tasks (train --part T), 0 for a single run
};
TrainJob train_job_of(const std::vector<std::string>& train_args);
int submit_command(const std::vector<std::string>& args);
int job_run_command(const std::vector<std::string>& args);
int plot_command(const std::vector<std::string>& args);
int plot_seeds_command(const std::vector<std::string>& args);
int claims_command(const std::vector<std::string>& args);
int render_command(const std::vector<std::string>& args);
int paper_command(const std::vector<std::string>& args);
int check_sweeps_command(const std::vector<std::string>& args);
int draws_command(const std::vector<std::string>& args);
int hash_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int diff_command(const std::vector<std::string>& args);
int publish_command(const std::vector<std::string>& args);
int status_command(const std::vector<std::string>& args);

}  // namespace superpos::cli
