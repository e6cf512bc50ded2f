#include "io/atomic_file.hpp"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <cerrno>
#include <csignal>
#include <unistd.h>

#include "io/config.hpp"

namespace superpos {

std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  // Unique per process: a killed writer can leave a child behind (gnuplot, in a session of its
  // own, finishes its input) that goes on writing its file, and must not write into the rerun's.
  remove_stale_temporaries(path);
  return path.parent_path() / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
}

namespace {

// Whether `pid` is a live process. A zombie counts as dead: a writer killed together with its
// make is reparented to init, which in a container may reap it only much later.
bool process_is_running(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto paren = line.rfind(')');          // the command name may contain spaces
  if (paren == std::string::npos || paren + 2 >= line.size()) return true;
  const char state = line[paren + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace

void remove_stale_temporaries(const std::filesystem::path& path) {
  // A killed run leaves .NAME.tmp.PID behind; the next writer of NAME removes those whose process
  // is gone, so an interrupted build leaves nothing once it has been finished.
  const std::string prefix = fmt::format(".{}.tmp.", path.filename().string());
  std::error_code ec;
  const std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid()) continue;
    if (!process_is_running(pid)) std::filesystem::remove_all(entry.path(), ec);
  }
}

void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw std::runtime_error(fmt::format("{}: cannot be written ({})", path.string(), ec.message()));
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path temporary = temporary_path_for(path);
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      const int error = errno;
      std::error_code ec;
      std::filesystem::remove(temporary, ec);
      throw std::runtime_error(fmt::format("{}: cannot be written ({})", path.string(),
                                           error != 0 ? std::strerror(error) : "write failed; is the disk full?"));
    }
  }
  commit_file(temporary, path);
}

bool is_temporary_name(const std::string& name) {
  return !name.empty() && name.front() == '.' && name.find(".tmp.") != std::string::npos;
}

void check_directory_replaceable(const std::filesystem::path& dir,
                                 const std::function<bool(const std::string& name)>& may_replace) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_temporary_name(name) && !may_replace(name))
      throw InputError(fmt::format("{}: --out holds '{}', which superpos did not write; give a new or empty folder",
                                   dir.string(), name));
  }
}

void replace_directory_atomically(const std::filesystem::path& dir,
                                  const std::function<bool(const std::string& name)>& may_replace,
                                  const std::function<void(const std::filesystem::path& temporary)>& fill) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target = dir.has_filename() ? dir : dir.parent_path();  // "runs/x/" names "runs/x"
  check_directory_replaceable(target, may_replace);
  const fs::path temporary = temporary_path_for(target);
  fs::create_directory(temporary, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot be created ({})", temporary.string(), ec.message()));
  try {
    fill(temporary);
  } catch (...) {
    fs::remove_all(temporary, ec);
    throw;
  }
  // RENAME_EXCHANGE swaps the two names in one step; the old contents end up at `temporary`.
  if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
    const int error = errno;
    if (error != ENOENT || ::rename(temporary.c_str(), target.c_str()) != 0) {
      fs::remove_all(temporary, ec);
      throw std::runtime_error(fmt::format("{}: cannot be replaced ({})", target.string(), std::strerror(errno)));
    }
    return;
  }
  fs::remove_all(temporary, ec);
}

void check_disk_space(const std::filesystem::path& dir, std::uint64_t needed) {
  std::error_code ec;
  const std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (ec) return;  // not knowable here: the writes themselves report a full disk
  if (space.available < 2 * needed)
    throw InputError(fmt::format("{}: needs about {} KiB of disk for the run, {} KiB free", dir.string(),
                                 (2 * needed + 1023) / 1024, space.available / 1024));
}

void ensure_output_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw InputError(fmt::format("{}: --out is a file, not a directory", dir.string()));
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: --out cannot be created ({})", dir.string(), ec.message()));
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError(fmt::format("{}: --out is not writable", dir.string()));
}

}  // namespace superpos
