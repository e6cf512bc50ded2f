#include "publish/git_branch.hpp"

#include <fmt/format.h>
#include <stdexcept>
#include <system_error>

#include "io/atomic_file.hpp"
#include "io/child_process.hpp"
#include "publish/site_folder.hpp"

namespace fs = std::filesystem;

namespace superpos {
namespace {

constexpr const char* kGitHint = "make publish PUBLISH_GIT=... needs git: apt-get install -y git";

// git's last line of output: what went wrong, for the one-line message.
std::string last_said;

// git -C DIR ARGS...; what it printed (its messages included) in `output` when given, and its last
// line kept for the error a failure raises. Returns the exit status.
int git(const fs::path& dir, std::vector<std::string> args, std::string* output = nullptr) {
  args.insert(args.begin(), {"git", "-C", dir.string()});
  std::string said;
  const int status = run_child(args, &said, kGitHint, true);
  if (output) *output = said;
  std::string line;
  for (std::size_t end = said.size(); end > 0;) {
    const std::size_t start = said.rfind('\n', end - 1);
    line = said.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
    if (!line.empty()) break;
    end = start == std::string::npos ? 0 : start;
  }
  last_said = line;
  return status;
}

// " (git: LAST LINE)" after a failed git command, or nothing.
std::string cause() { return last_said.empty() ? std::string() : fmt::format(" (git: {})", last_said); }

// The site's own files: not its lock, marker, or the temporaries of a killed publish.
bool is_published_file(const std::string& name) {
  return name != ".publish.lock" && name != kSiteMarker && name.find(".tmp.") == std::string::npos;
}

void copy_site(const fs::path& site, const fs::path& into) {
  for (const fs::directory_entry& entry : fs::directory_iterator(into))
    if (entry.path().filename() != ".git") fs::remove_all(entry.path());
  for (const fs::directory_entry& entry : fs::directory_iterator(site)) {
    const std::string name = entry.path().filename().string();
    if (!is_published_file(name)) continue;
    fs::copy(entry.path(), into / name, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

bool is_branch_name(const std::string& branch) {
  if (branch.empty() || branch.size() > 200 || branch.front() == '-') return false;
  std::string ignored;
  return run_child({"git", "check-ref-format", "--branch", branch}, &ignored, kGitHint) == 0;
}

GitPublishOutcome publish_to_git(const GitPublish& r) {
  const std::string where = fmt::format("{} (branch {})", r.url, r.branch);
  if (!is_branch_name(r.branch))
    throw std::runtime_error(fmt::format("PUBLISH_BRANCH: '{}' is not a branch name git accepts", r.branch));
  std::error_code ec;
  fs::remove_all(r.work, ec);
  fs::create_directories(r.work);
  std::string ignored;
  if (git(r.work, {"init", "--quiet"}, &ignored) != 0)
    throw std::runtime_error(fmt::format("{}: git init failed", r.work.string()));
  // The branch as the remote has it now; absent, this is its first commit.
  std::string heads;
  if (git(r.work, {"ls-remote", "--heads", "--", r.url, "refs/heads/" + r.branch}, &heads) != 0)
    throw std::runtime_error(fmt::format("{}: cannot be read by git{}; the site is published locally in {}, "
                                         "and the branch is unchanged", where, cause(), r.site.string()));
  const bool exists = heads.find("\trefs/heads/" + r.branch + "\n") != std::string::npos;
  if (exists) {
    if (git(r.work, {"fetch", "--quiet", "--", r.url, "refs/heads/" + r.branch}, &ignored) != 0 ||
        git(r.work, {"checkout", "--quiet", "-B", r.branch, "FETCH_HEAD"}, &ignored) != 0)
      throw std::runtime_error(fmt::format("{}: fetching the branch failed{}; the branch is unchanged", where, cause()));
  } else if (git(r.work, {"checkout", "--quiet", "--orphan", r.branch}, &ignored) != 0) {
    throw std::runtime_error(fmt::format("{}: cannot start the branch", where));
  }
  copy_site(r.site, r.work);
  if (git(r.work, {"add", "--all"}, &ignored) != 0) throw std::runtime_error(fmt::format("{}: git add failed", where));
  GitPublishOutcome outcome;
  if (exists && git(r.work, {"diff", "--cached", "--quiet"}, &ignored) == 0) {
    git(r.work, {"rev-parse", "HEAD"}, &outcome.commit);
    outcome.commit = trimmed(outcome.commit);
    return outcome;  // the branch already holds this site
  }
  // The user's git identity when there is one; superpos's otherwise, so a fresh machine can publish.
  std::string email;
  std::vector<std::string> commit = {"commit", "--quiet", "--file", "-"};
  if (git(r.work, {"config", "--get", "user.email"}, &email) != 0 || trimmed(email).empty())
    commit = {"-c", "user.name=superpos", "-c", "user.email=superpos@localhost", "commit", "--quiet", "--file", "-"};
  const fs::path message = r.work / ".git" / "SUPERPOS_MESSAGE";
  write_file_atomically(message, r.message);
  commit.back() = message.string();
  if (git(r.work, commit, &ignored) != 0) throw std::runtime_error(fmt::format("{}: git commit failed{}", where, cause()));
  git(r.work, {"rev-parse", "HEAD"}, &outcome.commit);
  outcome.commit = trimmed(outcome.commit);
  if (git(r.work, {"push", "--quiet", "--", r.url, "HEAD:refs/heads/" + r.branch}, &ignored) != 0)
    throw std::runtime_error(fmt::format(
        "{}: the push was refused or failed{}; the branch is unchanged and the site is published locally in {}; "
        "run make publish again with the same PUBLISH_GIT once the remote accepts pushes (nothing is forced)",
        where, cause(), r.site.string()));
  outcome.committed = true;
  return outcome;
}

}  // namespace superpos
