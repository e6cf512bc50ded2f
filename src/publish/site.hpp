// The published site: one folder per version (date and a short content hash), never rewritten once
// made, plus index.html (every version, newest first), feed.xml (Atom) and latest/ (a symlink to
// the newest). A version is assembled in a temporary folder and renamed into place; the index,
// feed and link are rewritten atomically from the versions present, so an interrupted publish
// leaves the previous site whole and the next one completes it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace superpos {

struct PublishRequest {
  std::filesystem::path site;     // PUBLISH_DIR
  std::filesystem::path build;    // the build tree (OUT): report/, runs/
  std::filesystem::path html;     // the report with its "what changed" section
  std::filesystem::path pdf;
  std::filesystem::path changes;  // that section's Markdown (empty for a first version)
  std::string commit;             // the project's commit
  bool dirty = false;             // the tree had uncommitted changes
  std::string timestamp;          // UTC, RFC 3339 (2026-11-25T15:00:00Z)
  nlohmann::json previous;        // meta.json of the version `changes` compares with (null: none)
};

struct PublishOutcome {
  std::string version;
  bool created = false;  // false: the same content was already published as `version`
};

// Adds the version to `site`, which the caller has claimed (publish/site_folder.hpp) and locked, and
// whose what-changed section it made against `request.previous`: meta.json names that version.
PublishOutcome publish_version(const PublishRequest& request);

// The meta.json of the newest published version (by timestamp, then name), or null.
nlohmann::json newest_version(const std::filesystem::path& site);

// The version already published with this content hash, if any.
std::optional<std::string> version_with_content(const std::filesystem::path& site, const std::string& content_hash);

// Rewrites index.html, feed.xml and latest from the version folders in `site`.
void write_site_index(const std::filesystem::path& site);

// The content hash of a build tree's report: its Markdown, claims, manifest and run records.
std::string build_content_hash(const std::filesystem::path& build);

}  // namespace superpos
