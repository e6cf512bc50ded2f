#include "publish/site.hpp"

#include "report/markdown_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/child_process.hpp"
#include "io/config.hpp"
#include "io/read_file.hpp"
#include "io/sha256.hpp"
#include "publish/snapshot.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

void copy_into(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot be copied to {} ({})", from.string(), to.string(), ec.message()));
}

// Runs a program from an argument vector (no shell) and waits; throws on failure.
void run_program(const std::vector<std::string>& args) {
  if (run_child(args) != 0) throw std::runtime_error(fmt::format("{} failed", args.at(0)));
}

struct Verdicts {
  int holds = 0, fails = 0, fragile = 0, not_evaluated = 0;
};

Verdicts count_verdicts(const nlohmann::json& claims) {
  Verdicts v;
  for (const auto& claim : claims) {
    const std::string verdict = claim.value("verdict", "");
    if (verdict == "holds") ++v.holds;
    else if (verdict == "fails") ++v.fails;
    else if (verdict == "fragile") ++v.fragile;
    else ++v.not_evaluated;
  }
  return v;
}

std::vector<nlohmann::json> versions_newest_first(const fs::path& site) {
  std::vector<nlohmann::json> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(site, ec)) {
    if (!entry.is_directory() || entry.is_symlink() || entry.path().filename().string().front() == '.') continue;
    const fs::path meta = entry.path() / "meta.json";
    if (!fs::exists(meta)) continue;
    try {
      versions.push_back(nlohmann::json::parse(read_file(meta)));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("{}: malformed JSON ({})", meta.string(), error.what()));
    }
  }
  std::sort(versions.begin(), versions.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return std::make_pair(a.value("timestamp", ""), a.value("version", "")) >
           std::make_pair(b.value("timestamp", ""), b.value("version", ""));
  });
  return versions;
}

std::string verdict_line(const nlohmann::json& meta) {
  const auto& c = meta.at("claims");
  std::string line = fmt::format("{} of {} claims hold", c.value("holds", 0),
                                 c.value("holds", 0) + c.value("fails", 0) + c.value("fragile", 0) + c.value("not_evaluated", 0));
  line += c.value("fragile", 0) > 0 ? fmt::format("; {} fragile", c.value("fragile", 0)) : "";
  line += c.value("fails", 0) > 0 ? fmt::format("; {} fail", c.value("fails", 0)) : "";
  if (meta.contains("changes")) line += "; " + meta.at("changes").get<std::string>();
  return line;
}

}  // namespace

std::string build_content_hash(const fs::path& build) {
  const Snapshot snapshot = read_snapshot(build);
  std::string joined;
  for (const char* file : {"report.md", "claims.json", "manifest.json"})
    joined += fmt::format("{}:{}\n", file, sha256_hex(read_file(build / "report" / file)));
  for (const auto& [name, run] : snapshot.runs)
    for (const auto& entry : fs::directory_iterator(build / "runs" / name))
      if (is_run_file(entry.path().filename().string()) && entry.path().filename() != "timing.json")
        joined += fmt::format("runs/{}/{}:{}\n", name, entry.path().filename().string(), sha256_hex(read_file(entry.path())));
  return sha256_hex(joined);
}

nlohmann::json newest_version(const fs::path& site) {
  const auto versions = versions_newest_first(site);
  return versions.empty() ? nlohmann::json() : versions.front();
}

std::optional<std::string> version_with_content(const fs::path& site, const std::string& content_hash) {
  for (const auto& v : versions_newest_first(site))
    if (v.value("content_hash", "") == content_hash) return v.value("version", "");
  return std::nullopt;
}

PublishOutcome publish_version(const PublishRequest& r) {
  const Snapshot snapshot = read_snapshot(r.build);
  const std::string hash = build_content_hash(r.build);
  std::error_code ec;
  if (const auto same = version_with_content(r.site, hash)) {
    write_site_index(r.site);
    return {*same, false};
  }
  // Any earlier folder of the same name (same content, same day) is a finished version: checked above.
  const std::string version = fmt::format("{}-{}", r.timestamp.substr(0, 10), hash.substr(0, 8));
  const fs::path final_dir = r.site / version;
  if (fs::exists(final_dir)) throw InputError(fmt::format("{}: exists but has no meta.json; remove it", final_dir.string()));

  const fs::path temporary = temporary_path_for(final_dir);
  fs::create_directories(temporary / "data" / "runs");
  try {
    copy_into(r.html, temporary / "report.html");
    copy_into(r.pdf, temporary / "report.pdf");
    if (!r.changes.empty() && fs::exists(r.changes)) copy_into(r.changes, temporary / "changes.md");
    for (const char* file : {"report.md", "claims.json", "manifest.json"})
      copy_into(r.build / "report" / file, temporary / "data" / file);
    for (const auto& [name, run] : snapshot.runs)
      for (const auto& entry : fs::directory_iterator(r.build / "runs" / name))
        if (is_run_file(entry.path().filename().string()) && entry.path().filename() != "timing.json")
          copy_into(entry.path(), temporary / "data" / "runs" / name / entry.path().filename());
    // One archive of the whole version, byte-identical for the same files (sorted, no owners or times).
    run_program({"tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf",
                 (temporary / fmt::format("superpos-{}.tar", version)).string(), "-C", temporary.string(), "report.html",
                 "report.pdf", "data"});
    const Verdicts verdicts = count_verdicts(snapshot.claims);
    nlohmann::ordered_json meta = {{"version", version},
                                   {"timestamp", r.timestamp},
                                   {"date", r.timestamp.substr(0, 10)},
                                   {"commit", r.commit},
                                   {"dirty", r.dirty},
                                   {"content_hash", hash},
                                   {"configs", snapshot.manifest.at("configs")},
                                   {"seeds", snapshot.manifest.value("seeds", 0)},
                                   {"code", snapshot.manifest.at("code")},
                                   {"claims", {{"holds", verdicts.holds}, {"fails", verdicts.fails}, {"fragile", verdicts.fragile},
                                               {"not_evaluated", verdicts.not_evaluated}}}};
    if (r.previous.is_object()) {
      const auto& previous = r.previous;
      meta["previous"] = previous.value("version", "");
      const int delta = verdicts.holds - previous.at("claims").value("holds", 0);
      meta["changes"] = delta == 0 ? std::string("as many as in the previous version")
                                   : fmt::format("{:+d} holding since the previous version", delta);
    }
    write_file_atomically(temporary / "meta.json", meta.dump(1) + "\n");
  } catch (...) {
    fs::remove_all(temporary, ec);
    throw;
  }
  fs::rename(temporary, final_dir, ec);
  if (ec) {
    fs::remove_all(temporary, ec);
    throw std::runtime_error(fmt::format("{}: cannot be created ({})", final_dir.string(), ec.message()));
  }
  write_site_index(r.site);
  return {version, true};
}

void write_site_index(const fs::path& site) {
  const auto versions = versions_newest_first(site);
  std::string rows;
  for (const auto& v : versions) {
    const std::string version = v.value("version", "");
    std::vector<std::string> configs;
    for (const auto& c : v.at("configs")) configs.push_back(c.get<std::string>());
    rows += fmt::format(
        "<tr><td><a href=\"{0}/report.html\">{0}</a></td><td>{1}</td><td><code>{2}</code>{3}</td><td>{4}</td>"
        "<td>{5}</td><td><a href=\"{0}/report.pdf\">PDF</a> · <a href=\"{0}/superpos-{0}.tar\">archive</a></td></tr>\n",
        html_text(version), html_text(v.value("date", "")), html_text(v.value("commit", "")),
        v.value("dirty", false) ? " (uncommitted changes)" : "", html_text(fmt::format("{}", fmt::join(configs, ", "))),
        html_text(verdict_line(v)));
  }
  const std::string index = fmt::format(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>superpos: published versions</title>
<link rel="alternate" type="application/atom+xml" title="superpos versions" href="feed.xml">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.45; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f4f4f4; }} .scroll {{ overflow-x: auto; }}
</style>
</head>
<body>
<h1>superpos: published versions of the report</h1>
<p>Each version re-runs the experiments of Pramodith B., <em>Mechanistic Interpretability: What's Superposition?</em> (2024),
and checks its claims. Newest first; <a href="latest/report.html">the latest report</a>; <a href="feed.xml">Atom feed</a>.</p>
<div class="scroll"><table>
<thead><tr><th>version</th><th>date</th><th>commit</th><th>configurations</th><th>claims</th><th>files</th></tr></thead>
<tbody>
{}</tbody>
</table></div>
</body>
</html>
)", rows);
  write_file_atomically(site / "index.html", index);

  std::string entries;
  for (const auto& v : versions) {
    const std::string version = v.value("version", "");
    entries += fmt::format("<entry><id>urn:superpos:version:{0}</id><title>superpos report {0}</title>"
                           "<updated>{1}</updated><link href=\"{0}/report.html\"/><summary>{2}</summary></entry>\n",
                           html_text(version), html_text(v.value("timestamp", "")), html_text(verdict_line(v)));
  }
  const std::string updated = versions.empty() ? "1970-01-01T00:00:00Z" : versions.front().value("timestamp", "");
  write_file_atomically(site / "feed.xml",
                        fmt::format("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                                    "<title>superpos: published versions</title><id>urn:superpos:site</id>"
                                    "<updated>{}</updated><author><name>superpos</name></author>\n{}</feed>\n",
                                    html_text(updated), entries));
  if (versions.empty()) return;
  // latest -> newest version: a new symlink renamed over the old one.
  const fs::path link = site / "latest";
  const fs::path temporary = temporary_path_for(link);
  std::error_code ec;
  fs::remove(temporary, ec);
  fs::create_directory_symlink(versions.front().value("version", ""), temporary, ec);
  if (!ec) fs::rename(temporary, link, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot be updated ({})", link.string(), ec.message()));
}

}  // namespace superpos
