// Publishing the site where readers are: `make publish PUBLISH_GIT=URL [PUBLISH_BRANCH=gh-pages]`
// commits the site folder, as it is after the new version, to a branch of a git repository and
// pushes it, the convention static hosts serve (GitHub Pages and the like). The branch's history is
// only ever appended to: the commit goes on top of the branch as fetched, and the push is a plain
// fast-forward (never forced), so a branch that moved meanwhile or a remote that refuses leaves it
// as it was. git runs from argument vectors, the URL after `--`, so no text a user chose is ever
// read by a shell or as an option.
#pragma once

#include <filesystem>
#include <string>

namespace superpos {

struct GitPublish {
  std::string url;                  // a URL or a path git can push to
  std::string branch = "gh-pages";
  std::filesystem::path site;       // the published folder, copied whole (but its lock and temporaries)
  std::filesystem::path work;       // a scratch folder for the checkout (replaced)
  std::string message;              // the commit message: the version and what changed
};

// What happened: a commit pushed, or nothing to commit (the branch already holds this site).
struct GitPublishOutcome {
  bool committed = false;
  std::string commit;  // the new commit, or the branch's head when nothing changed
};

// Throws std::runtime_error with one line naming the URL, the branch and what to do when git
// cannot be started, the remote cannot be read, or the push is refused; the branch is then as it
// was and the local site keeps the new version.
GitPublishOutcome publish_to_git(const GitPublish& request);

// Whether BRANCH is a name git accepts for a branch (git check-ref-format --branch), checked before
// anything is fetched.
bool is_branch_name(const std::string& branch);

}  // namespace superpos
