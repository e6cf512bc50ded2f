#include "plot/gnuplot_process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace superpos {
namespace {

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

}  // namespace

GnuplotProcess::GnuplotProcess(const std::filesystem::path& output, const std::filesystem::path& log) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw system_error("cannot create a pipe to gnuplot");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char* const argv[] = {const_cast<char*>("setsid"), const_cast<char*>("--wait"), const_cast<char*>("gnuplot"), nullptr};
  const int spawned = ::posix_spawnp(&pid_, "setsid", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (spawned != 0) {
    ::close(pipe_fds[1]);
    errno = spawned;
    throw system_error("cannot start gnuplot (setsid gnuplot)");
  }
  input_ = ::fdopen(pipe_fds[1], "w");
  if (input_ == nullptr) {
    ::close(pipe_fds[1]);
    finish();
    throw system_error("cannot write to gnuplot");
  }
}

int GnuplotProcess::finish() {
  if (input_ != nullptr) {
    std::fclose(input_);
    input_ = nullptr;
  }
  if (pid_ < 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

GnuplotProcess::~GnuplotProcess() { finish(); }

}  // namespace superpos
