#include "publish/snapshot.hpp"

#include <fmt/format.h>
#include <fstream>

#include "io/config.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

// Only a regular file is read: a FIFO would hang the comparison, a device never end.
nlohmann::json read_json(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && fs::exists(fs::symlink_status(path)))
    throw InputError(fmt::format("{}: cannot be read ({})", path.string(), ec.message()));
  if (!fs::is_regular_file(status)) throw InputError(fmt::format("{}: is not a regular file", path.string()));
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
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir / "data" / "manifest.json", ec))) return dir / "data";
  if (fs::exists(fs::symlink_status(dir / "report" / "manifest.json", ec))) return dir / "report";
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
  const fs::path manifest = files / "manifest.json", claims = files / "claims.json";
  s.manifest = read_json(manifest);
  s.claims = read_json(claims);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir / "meta.json", ec))) {
    s.meta = read_json(dir / "meta.json");
    if (!s.meta.is_object()) throw InputError(fmt::format("{}: malformed (expected a JSON object)", (dir / "meta.json").string()));
    for (const char* key : {"version", "date", "commit", "timestamp"})
      if (s.meta.contains(key) && !s.meta.at(key).is_string())
        throw InputError(fmt::format("{}: '{}' is not a string", (dir / "meta.json").string(), key));
  }
  // The shapes the comparison reads, checked here so that a malformed file is named (exit 2), never
  // taken for a flipped verdict.
  if (!s.claims.is_array())
    throw InputError(fmt::format("{}: malformed (expected an array of claims)", claims.string()));
  for (const auto& claim : s.claims)
    if (!claim.is_object() || !claim.contains("id") || !claim.at("id").is_string() || !claim.contains("verdict") ||
        !claim.at("verdict").is_string())
      throw InputError(fmt::format("{}: malformed claim {} (expected an object with a string id and verdict)",
                                   claims.string(), claim.dump().substr(0, 80)));
  if (!s.manifest.is_object() || !s.manifest.contains("configs") || !s.manifest.at("configs").is_array() ||
      !s.manifest.contains("code") || !s.manifest.at("code").is_object())
    throw InputError(fmt::format("{}: malformed (expected an object with a list of configs and the code's hashes)",
                                 manifest.string()));
  for (const auto& [part, hash] : s.manifest.at("code").items())
    if (!hash.is_string())
      throw InputError(fmt::format("{}: the code hash '{}' is not a string", manifest.string(), part.substr(0, 40)));
  const nlohmann::json seeds = s.manifest.value("seeds", nlohmann::json(0));
  if (!seeds.is_number_integer() || seeds.get<long long>() < 0 || seeds.get<long long>() > 1000)
    throw InputError(fmt::format("{}: 'seeds' is {} (expected a whole number 0 ... 1000)", manifest.string(),
                                 seeds.dump().substr(0, 40)));
  s.seeds = seeds.get<int>();
  for (const auto& name : s.manifest.at("configs")) {
    if (!name.is_string() || !is_safe_name(name.get<std::string>()))
      throw InputError(fmt::format("{}: a config name is {} (expected a name of letters, digits, '_', '.' or '-')",
                                   manifest.string(), name.dump().substr(0, 80)));
    const std::string run = name.get<std::string>();
    s.runs.emplace(run, read_run(snapshot_runs_dir(dir) / run));
  }
  return s;
}

}  // namespace superpos
