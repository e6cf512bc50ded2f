#include "io/run_set.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace superpos {

std::vector<RunResults> read_run_set(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw InputError(fmt::format("{}: not a folder of runs", dir.string()));
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "results.json")) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  if (folders.empty()) throw InputError(fmt::format("{}: holds no trained run (no */results.json)", dir.string()));
  std::vector<RunResults> runs;
  for (const auto& folder : folders) runs.push_back(read_run(folder));
  return runs;
}

}  // namespace superpos
