// Starting another program (pandoc, tar, srun, scontrol) from an argument vector, never through a
// shell, so that no path or name in the arguments is ever read as shell text.
#pragma once

#include <string>
#include <vector>

namespace superpos {

// Runs args[0] (found on PATH) with `args` and waits for it. Returns its exit status (128 + the
// signal when one killed it); with `output`, its standard output is captured there. Throws an
// InputError naming the program when it cannot be started (`hint` says what to install). With
// `with_errors`, its standard error goes into `output` too (for a message of one's own).
int run_child(const std::vector<std::string>& args, std::string* output = nullptr, const std::string& hint = "",
              bool with_errors = false);

// A command line make hands over as text (its pandoc flags, SRUN_FLAGS) as arguments: split at
// whitespace, with no quoting or expansion of any kind.
std::vector<std::string> split_words(const std::string& text);

}  // namespace superpos
