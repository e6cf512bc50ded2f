#include "publish/site_folder.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

#include "io/atomic_file.hpp"
#include "io/config.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

constexpr const char* kRefusal = "; PUBLISH_DIR must be a new or empty folder, or one superpos published into";

// The first `limit` bytes of a regular file ("" for anything else).
std::string head_of(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) return "";
  std::ifstream in(path, std::ios::binary);
  std::string bytes(limit, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(limit));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

// Whether an entry of a site made before markers existed is one superpos wrote there.
bool is_legacy_site_entry(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  std::error_code ec;
  if (name == ".publish.lock" || name == "latest") return true;
  if (name == "index.html") return head_of(entry.path(), 4096).find("<title>superpos: published versions</title>") != std::string::npos;
  if (name == "feed.xml") return head_of(entry.path(), 4096).find("<id>urn:superpos:site</id>") != std::string::npos;
  if (is_version_name(name)) return !entry.is_symlink(ec) && fs::is_regular_file(entry.path() / "meta.json", ec);
  return false;
}

// Whether `name` is one of the temporaries a publish writes (.NAME.tmp.PID, NAME one of the site's own).
bool is_own_temporary(const std::string& name) {
  const auto at = name.rfind(".tmp.");
  if (name.empty() || name.front() != '.' || at == std::string::npos || at < 2) return false;
  const std::string pid = name.substr(at + 5), of = name.substr(1, at - 1);
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return false;
  return of == "latest" || of == "index.html" || of == "feed.xml" || is_version_name(of);
}

}  // namespace

bool is_version_name(const std::string& name) {
  // YYYY-MM-DD-xxxxxxxx: the date and the first 8 hex digits of the content hash (publish/site.cpp).
  if (name.size() != 19 || name[4] != '-' || name[7] != '-' || name[10] != '-') return false;
  for (std::size_t k = 0; k < name.size(); ++k) {
    if (k == 4 || k == 7 || k == 10) continue;
    const char ch = name[k];
    if (k < 10 ? !std::isdigit(static_cast<unsigned char>(ch)) : !(std::isdigit(static_cast<unsigned char>(ch)) || (ch >= 'a' && ch <= 'f')))
      return false;
  }
  return true;
}

void claim_site_folder(const fs::path& site) {
  std::error_code ec;
  const fs::file_status status = fs::status(site, ec);
  if (fs::exists(status) && !fs::is_directory(status))
    throw InputError(fmt::format("{}: is not a folder{}", site.string(), kRefusal));
  if (fs::exists(status)) {
    const bool marked = fs::exists(fs::symlink_status(site / kSiteMarker, ec));
    for (const auto& entry : fs::directory_iterator(site, ec)) {
      const std::string name = entry.path().filename().string();
      if (name == "latest" && !entry.is_symlink())
        throw InputError(fmt::format("{}: 'latest' is not the link superpos keeps to the newest version (a {}); move it "
                                     "away first", site.string(), entry.is_directory() ? "folder" : "file"));
      if (!marked && name != kSiteMarker && !is_own_temporary(name) && !is_legacy_site_entry(entry))
        throw InputError(fmt::format("{}: holds '{}', which superpos did not write{}", site.string(), name, kRefusal));
    }
    if (ec) throw InputError(fmt::format("{}: cannot be read ({})", site.string(), ec.message()));
    if (marked) return;
  } else {
    fs::create_directories(site, ec);
    if (ec) throw InputError(fmt::format("{}: the publish folder cannot be created ({})", site.string(), ec.message()));
  }
  write_file_atomically(site / kSiteMarker, "This folder is a site that superpos publishes into (make publish).\n");
}

void remove_site_temporaries(const fs::path& site) {
  // The names whose temporaries are there, collected first: each is then cleaned once, and
  // nothing is removed from the folder while it is being listed.
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(site, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_own_temporary(name)) names.insert(name.substr(1, name.rfind(".tmp.") - 1));
  }
  for (const std::string& name : names) remove_stale_temporaries(site / name);
}

SiteLock::SiteLock(const fs::path& site) {
  const fs::path path = site / ".publish.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw InputError(fmt::format("{}: cannot be opened ({})", path.string(), std::strerror(errno)));
  while (::flock(fd_, LOCK_EX) != 0)
    if (errno != EINTR) throw InputError(fmt::format("{}: cannot be locked ({})", path.string(), std::strerror(errno)));
}

SiteLock::~SiteLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace superpos
