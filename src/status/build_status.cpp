#include "status/build_status.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fnmatch.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "io/build_info.hpp"
#include "io/child_process.hpp"
#include "io/config.hpp"
#include "io/read_file.hpp"
#include "io/run_results.hpp"
#include "io/sha256.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

bool newer(const fs::path& a, const fs::path& b) {
  std::error_code ea, eb;
  const auto ta = fs::last_write_time(a, ea), tb = fs::last_write_time(b, eb);
  return !ea && !eb && ta > tb;
}

std::optional<SourceManifest> saved_manifest(const fs::path& dir, const std::string& hash, const std::string& part) {
  const fs::path path = dir / fmt::format("{}.{}", hash, part);
  std::error_code ec;
  if (hash.empty() || !fs::is_regular_file(path, ec)) return std::nullopt;
  return parse_manifest(read_file(path));
}

// "trainer code changed (src/train/trainer.cpp)", the files from the manifest of the build that
// made the target, when it was kept.
std::string code_reason(const std::string& part, const std::string& then, const SourceManifest& now, const fs::path& manifests) {
  if (const auto before = saved_manifest(manifests, then, part)) {
    const std::vector<std::string> files = changed_files(*before, now);
    if (!files.empty()) return fmt::format("{} code changed ({})", part, fmt::join(files, ", "));
  }
  return fmt::format("{} code changed (built by {} {}, the sources are now {})", part, part, then.substr(0, 12),
                     now.hash.substr(0, 12));
}

std::string key_changes(const std::vector<std::pair<std::string, std::string>>& before,
                        const std::vector<std::pair<std::string, std::string>>& after) {
  std::map<std::string, std::string> old(before.begin(), before.end());
  std::vector<std::string> parts;
  std::set<std::string> seen;
  for (const auto& [key, value] : after) {
    seen.insert(key);
    const auto found = old.find(key);
    if (found == old.end()) parts.push_back(fmt::format("{} set to {}", key, value));
    else if (found->second != value) parts.push_back(fmt::format("{} {} -> {}", key, found->second, value));
  }
  for (const auto& [key, value] : before)
    if (!seen.contains(key)) parts.push_back(fmt::format("{} {} removed", key, value));
  return parts.empty() ? "config changed" : fmt::format("config changed ({})", fmt::join(parts, ", "));
}

// Why `run` would be trained again; empty when it would not.
std::vector<std::string> run_reasons(const RunTarget& run, const SourceManifest& trainer, const fs::path& manifests) {
  const fs::path record = run.dir / (run.sweep ? "instances.json" : "results.json");
  std::error_code ec;
  if (!fs::is_regular_file(record, ec)) return {"not built yet"};
  std::string stored_config_hash, stored_trainer;
  std::vector<std::pair<std::string, std::string>> stored_entries;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(record));
    stored_config_hash = j.at("config_hash").get<std::string>();
    stored_trainer = j.at("trainer_hash").get<std::string>();
    if (run.sweep && j.contains("config"))
      for (const auto& [key, value] : j.at("config").items()) stored_entries.emplace_back(key, value.get<std::string>());
    if (!run.sweep) stored_entries = config_entries(read_run(run.dir).config);
  } catch (const std::exception&) {
    return {"its record cannot be read (it is trained again)"};
  }
  std::vector<std::string> reasons;
  try {
    const RunConfig current = load_run_config(run.config, run.overrides);
    if (sha256_hex(canonical_text(current)) != stored_config_hash)
      reasons.push_back(stored_entries.empty() ? std::string("config changed") : key_changes(stored_entries, config_entries(current)));
  } catch (const InputError& error) {
    reasons.push_back(fmt::format("its config cannot be read: {}", error.what()));
  }
  if (stored_trainer != trainer.hash) reasons.push_back(code_reason("trainer", stored_trainer, trainer, manifests));
  if (reasons.empty() && newer(run.config, record)) reasons.push_back("config file touched (no key changed)");
  return reasons;
}

std::string seed_ranges(const std::vector<int>& seeds) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < seeds.size();) {
    std::size_t end = k;
    while (end + 1 < seeds.size() && seeds[end + 1] == seeds[end] + 1) ++end;
    parts.push_back(end == k ? fmt::format("s{}", seeds[k]) : fmt::format("s{}-s{}", seeds[k], seeds[end]));
    k = end + 1;
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

SourceManifest manifest_of_tree(const fs::path& src, const std::string& patterns) {
  SourceManifest m;
  std::string joined;
  for (const std::string& pattern : split_words(patterns)) {
    const fs::path relative(pattern);
    const fs::path dir = src / relative.parent_path();
    const std::string name = relative.filename().string();
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::is_directory(dir, ec))
      for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        if (fnmatch(name.c_str(), entry.path().filename().c_str(), 0) == 0)
          files.push_back(fs::relative(entry.path(), src).generic_string());
      }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      const std::string hash = sha256_hex(read_file(src / f));
      m.files.emplace_back(f, hash);
      joined += f + ":" + hash + "\n";
    }
  }
  m.hash = sha256_hex(joined);
  return m;
}

SourceManifest parse_manifest(const std::string& text) {
  SourceManifest m;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.rfind(':');
    if (colon != std::string::npos) m.files.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  m.hash = sha256_hex(text);
  return m;
}

std::vector<std::string> changed_files(const SourceManifest& before, const SourceManifest& after) {
  std::map<std::string, std::string> old(before.files.begin(), before.files.end()), now(after.files.begin(), after.files.end());
  std::set<std::string> out;
  for (const auto& [path, hash] : now)
    if (!old.contains(path) || old.at(path) != hash) out.insert("src/" + path);
  for (const auto& [path, hash] : old)
    if (!now.contains(path)) out.insert("src/" + path + " (removed)");
  return {out.begin(), out.end()};
}

std::vector<std::string> build_status(const StatusInput& input) {
  std::map<std::string, SourceManifest> parts;
  for (const SourcePart& part : source_parts())
    parts[std::string(part.name)] = manifest_of_tree(input.source, std::string(part.patterns));
  const SourceManifest& trainer = parts.at("trainer");

  std::vector<std::vector<std::string>> reasons;
  for (const RunTarget& run : input.runs) reasons.push_back(run_reasons(run, trainer, input.manifests));
  std::vector<std::string> lines;
  bool stale_run = false, stale_sweep = false;
  for (std::size_t k = 0; k < reasons.size(); ++k)
    if (!reasons[k].empty()) (input.runs[k].sweep ? stale_sweep : stale_run) = true;

  // One trainer reason shared by every run that is built: one line.
  std::optional<std::string> shared;
  bool all_share = !input.runs.empty();
  for (const auto& r : reasons) {
    if (r.size() == 1 && r[0] == "not built yet") continue;
    const auto code = std::find_if(r.begin(), r.end(), [](const std::string& s) { return s.starts_with("trainer code changed"); });
    if (code == r.end() || (shared && *shared != *code)) {
      all_share = false;
      break;
    }
    shared = *code;
  }
  if (all_share && shared) {
    lines.push_back(fmt::format("all runs: {}", *shared));
    for (auto& r : reasons) r.erase(std::remove(r.begin(), r.end(), *shared), r.end());
  }
  // Robustness seeds none of whose runs exist: one line per kind.
  for (const bool paper : {false, true}) {
    std::map<int, std::pair<int, int>> per_seed;  // seed -> (targets, missing)
    for (std::size_t k = 0; k < input.runs.size(); ++k) {
      const RunTarget& run = input.runs[k];
      if (!run.seed || run.paper != paper) continue;
      auto& [targets, missing] = per_seed[*run.seed];
      ++targets;
      missing += reasons[k].size() == 1 && reasons[k][0] == "not built yet";
    }
    std::vector<int> whole;
    for (const auto& [seed, counts] : per_seed)
      if (counts.first == counts.second) whole.push_back(seed);
    if (whole.empty()) continue;
    lines.push_back(fmt::format("{}seeds {}: not built yet (SEEDS={})", paper ? "paper " : "", seed_ranges(whole), input.seeds));
    for (std::size_t k = 0; k < input.runs.size(); ++k)
      if (input.runs[k].seed && input.runs[k].paper == paper &&
          std::binary_search(whole.begin(), whole.end(), *input.runs[k].seed))
        reasons[k].clear();
  }
  for (std::size_t k = 0; k < input.runs.size(); ++k)
    if (!reasons[k].empty()) lines.push_back(fmt::format("{}: {}", input.runs[k].label, fmt::join(reasons[k], "; ")));

  for (const StatusInput::Document& doc : input.documents) {
    std::error_code ec;
    if (!fs::is_regular_file(doc.output, ec)) {
      lines.push_back(fmt::format("{}: not built yet", doc.name));
      continue;
    }
    std::vector<std::string> why;
    for (const auto& [what, path] : doc.inputs)
      if (newer(path, doc.output)) why.push_back(fmt::format("{} changed ({})", what, path.string()));
    // The code it was rendered with: the part's newest manifest from before the document (each is
    // kept from the build that first had that hash), else the stamp's hash.
    std::string rendered;
    if (fs::is_regular_file(doc.part_stamp, ec)) rendered = read_file(doc.part_stamp);
    while (!rendered.empty() && (rendered.back() == '\n' || rendered.back() == ' ')) rendered.pop_back();
    const auto made = fs::last_write_time(doc.output, ec);
    std::optional<fs::file_time_type> newest;
    if (fs::is_directory(input.manifests, ec))
      for (const fs::directory_entry& entry : fs::directory_iterator(input.manifests)) {
        const std::string name = entry.path().filename().string();
        if (!name.ends_with("." + doc.part)) continue;
        const auto when = entry.last_write_time(ec);
        if (ec || when > made || (newest && when <= *newest)) continue;
        newest = when;
        rendered = name.substr(0, name.size() - doc.part.size() - 1);
      }
    const auto part = parts.find(doc.part);
    if (part != parts.end() && !rendered.empty() && rendered != part->second.hash)
      why.push_back(code_reason(doc.part, rendered, part->second, input.manifests));
    if (why.empty() && ((doc.reads_runs && stale_run) || (doc.reads_sweeps && stale_sweep)))
      why.push_back("rendered again from the runs above");
    if (!why.empty()) lines.push_back(fmt::format("{}: {}", doc.name, fmt::join(why, "; ")));
  }
  return lines;
}

}  // namespace superpos
