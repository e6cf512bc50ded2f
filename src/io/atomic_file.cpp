#include "io/atomic_file.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

#include "io/config.hpp"

namespace superpos {

std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  // One fixed name per file, not one per process: a run killed mid-write leaves this name behind,
  // and the rerun that make starts writes the same name again and renames it away. (Only one make
  // rule writes a given file, so two processes never share it.)
  return path.parent_path() / fmt::format(".{}.tmp", path.filename().string());
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
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temporary, ec);
      throw std::runtime_error(fmt::format("{}: cannot be written", path.string()));
    }
  }
  commit_file(temporary, path);
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
