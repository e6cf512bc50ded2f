// The publish folder as superpos's own: a marker file says superpos made it, and nothing else is
// ever written into, cleaned from or replaced in a folder without it. One publish at a time holds
// the folder's lock, from reading the latest version to writing the new one.
#pragma once

#include <filesystem>
#include <string>

namespace superpos {

// The marker superpos writes into every site it makes.
inline constexpr const char* kSiteMarker = ".superpos-site";

// Whether `name` is the folder name of a published version (2026-11-30-0123abcd).
bool is_version_name(const std::string& name);

// Makes `site` ready to publish into, or throws an InputError (one line naming the folder and the
// entry) before anything is created: a new or empty folder is made a site (marker written); a
// folder with the marker is one; a site published before markers existed (only versions, index.html
// and feed.xml that superpos wrote, latest as a link) is adopted; anything else is refused. Refused
// too: a `latest` that is not a symbolic link.
void claim_site_folder(const std::filesystem::path& site);

// Removes the temporaries that killed publishes left in `site`, and only those: superpos's own
// names (.latest.tmp.PID, .index.html.tmp.PID, .feed.xml.tmp.PID, .VERSION.tmp.PID) whose process
// is gone.
void remove_site_temporaries(const std::filesystem::path& site);

// An exclusive lock on SITE/.publish.lock, held until destroyed (flock: released if the process dies).
class SiteLock {
 public:
  explicit SiteLock(const std::filesystem::path& site);
  ~SiteLock();
  SiteLock(const SiteLock&) = delete;
  SiteLock& operator=(const SiteLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace superpos
