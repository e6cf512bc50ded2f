#include "publish/snapshot.hpp"

#include <fmt/format.h>
#include <fstream>

#include "io/config.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot be read", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed JSON ({})", path.string(), error.what()));
  }
}

// A published version keeps its data under data/; a build tree its report files under report/.
fs::path report_files_dir(const fs::path& dir) {
  if (fs::exists(dir / "data" / "manifest.json")) return dir / "data";
  if (fs::exists(dir / "report" / "manifest.json")) return dir / "report";
  throw InputError(fmt::format("{}: neither a published version (data/manifest.json) nor a build tree with a "
                               "rendered report (report/manifest.json)", dir.string()));
}

}  // namespace

fs::path snapshot_runs_dir(const fs::path& dir) {
  return fs::exists(dir / "data" / "manifest.json") ? dir / "data" / "runs" : dir / "runs";
}

Snapshot read_snapshot(const fs::path& dir) {
  Snapshot s;
  s.dir = dir;
  const fs::path files = report_files_dir(dir);
  s.manifest = read_json(files / "manifest.json");
  s.claims = read_json(files / "claims.json");
  if (fs::exists(dir / "meta.json")) s.meta = read_json(dir / "meta.json");
  try {
    for (const auto& name : s.manifest.at("configs")) {
      const std::string run = name.get<std::string>();
      s.runs.emplace(run, read_run(snapshot_runs_dir(dir) / run));
    }
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed manifest ({})", (files / "manifest.json").string(), error.what()));
  }
  return s;
}

}  // namespace superpos
