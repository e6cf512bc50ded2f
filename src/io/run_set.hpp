// A set of runs trained together (the article's four, or the four of one robustness seed): every
// sub-folder of a directory that holds a results.json, in name order.
#pragma once

#include <filesystem>
#include <vector>

#include "io/run_results.hpp"

namespace superpos {

std::vector<RunResults> read_run_set(const std::filesystem::path& dir);

}  // namespace superpos
