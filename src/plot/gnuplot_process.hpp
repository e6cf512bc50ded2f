// gnuplot as a child process started from an argument vector (posix_spawnp), never through a shell:
// no path or name a user chose is ever parsed as a command. The figure goes to gnuplot's standard
// output, which is the file we opened, so the path never appears in the gnuplot script either.
#pragma once

#include <cstdio>
#include <filesystem>
#include <sys/types.h>

namespace superpos {

class GnuplotProcess {
 public:
  // Starts `setsid --wait gnuplot` (a session of its own: a Ctrl-C meant for make does not reach
  // it) with stdout to `output` and stderr to `log`, both created or truncated.
  GnuplotProcess(const std::filesystem::path& output, const std::filesystem::path& log);
  ~GnuplotProcess();
  GnuplotProcess(const GnuplotProcess&) = delete;
  GnuplotProcess& operator=(const GnuplotProcess&) = delete;

  // The script's end of the pipe, handed over to Gnuplot(FILE*), which closes it when destroyed.
  std::FILE* release_input() {
    std::FILE* input = input_;
    input_ = nullptr;
    return input;
  }
  // Closes gnuplot's input and waits for it; returns its exit status (or 128 + signal).
  int finish();

 private:
  std::FILE* input_ = nullptr;
  pid_t pid_ = -1;
};

}  // namespace superpos
