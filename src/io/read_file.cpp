#include "io/read_file.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "io/config.hpp"

namespace superpos {

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(fmt::format("{}: no such file", path.string()));
  if (!std::filesystem::is_regular_file(status)) throw InputError(fmt::format("{}: is not a regular file", path.string()));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw InputError(fmt::format("{}: cannot be read", path.string()));
  return bytes.str();
}

}  // namespace superpos
