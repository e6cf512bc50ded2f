// `superpos hash PART [--manifests DIR]`: the SHA-256 of a part's sources as this binary was built
// from them (io/build_info.hpp), which the Makefile keeps as a stamp. With --manifests, the part's
// file-by-file manifest is also kept as DIR/HASH.PART (once per hash), so that `make status` can
// later name the files that changed since the build that made a run.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/build_info.hpp"
#include "io/config.hpp"

namespace superpos::cli {

int hash_command(const std::vector<std::string>& args) {
  if (args.size() != 1 && !(args.size() == 3 && args[1] == "--manifests"))
    throw InputError("command line: usage: superpos hash trainer|plot|report|paper [--manifests DIR]");
  const std::string& name = args[0];
  for (const SourcePart& part : source_parts()) {
    if (part.name != name) continue;
    if (args.size() == 3) {
      const std::filesystem::path dir = args[2];
      const std::filesystem::path path = dir / fmt::format("{}.{}", part.hash, part.name);
      ensure_output_directory(dir);
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) write_file_atomically(path, std::string(part.manifest));
    }
    fmt::print("{}\n", part.hash);
    return kExitOk;
  }
  throw InputError(fmt::format("command line: unknown part '{}' (expected trainer, plot, report or paper)", name));
}

}  // namespace superpos::cli
