// `superpos diff OLD NEW`: what changed between two report versions (published versions or build
// trees), as Markdown; exits 1 when a claim's verdict flipped, so it can gate a CI job, and 2 when
// an input is not a report version.
// `superpos publish`: adds the built report to a site as a new version (see publish/site.hpp):
// under the site's lock it compares the build with the newest version, typesets the report opened
// by what changed, and writes the version whose meta.json names the version it compared with.
#include <boost/program_options.hpp>
#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/child_process.hpp"
#include "io/config.hpp"
#include "plot/figures.hpp"
#include "io/read_file.hpp"
#include "publish/git_branch.hpp"
#include "publish/site.hpp"
#include "publish/site_folder.hpp"
#include "publish/snapshot_diff.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {
namespace {

// The what-changed section between two snapshots, with each changed run's figure drawn into
// `figures` (when given). Returns the section and whether a verdict flipped.
std::pair<std::string, bool> what_changed(const Snapshot& before, const Snapshot& after, const std::string& figures) {
  const DiffTolerances tolerances;
  const SnapshotDiff diff = diff_snapshots(before, after, tolerances);
  for (const std::string& run : diff.changed_runs) {
    if (figures.empty()) break;
    const fs::path dir = fs::path(figures) / run;
    ensure_output_directory(dir);
    plot_weights_change(before.runs.at(run), after.runs.at(run), dir);
  }
  return {diff_markdown(diff, before, tolerances, figures), !diff.flips.empty()};
}

// Runs pandoc from an argument vector (no shell): make's own pandoc flags, split at spaces (they
// hold no path a user chose but REPORT_DIR, which make checks), then the output and inputs.
void typeset(const std::string& flags, const fs::path& output, const std::vector<fs::path>& inputs) {
  std::vector<std::string> args = split_words(flags);
  if (args.empty()) throw InputError("command line: --pandoc-html and --pandoc-pdf need the pandoc command");
  args.push_back("-o");
  args.push_back(output.string());
  for (const fs::path& input : inputs) args.push_back(input.string());
  if (run_child(args, nullptr, "make publish needs pandoc, which make report installs") != 0)
    throw std::runtime_error(fmt::format("{}: pandoc failed; nothing was published", output.string()));
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[21];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

int diff_command(const std::vector<std::string>& args) {
  po::options_description options("superpos diff OLD NEW [--markdown FILE] [--figures DIR]\n"
                                  "OLD and NEW: published version folders or build trees (OUT)");
  options.add_options()("help,h", "show this help")("old", po::value<std::string>(), "the earlier version")(
      "new", po::value<std::string>(), "the later version")(
      "markdown", po::value<std::string>(), "write the section here instead of printing it")(
      "figures", po::value<std::string>(), "draw each changed run's rows, old and new, into DIR/RUN/");
  po::positional_options_description positional;
  positional.add("old", 1).add("new", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (!vm.count("old") || !vm.count("new")) throw InputError("command line: usage: superpos diff OLD NEW");
  const Snapshot before = read_snapshot(vm["old"].as<std::string>());
  const Snapshot after = read_snapshot(vm["new"].as<std::string>());
  const auto [markdown, flipped] = what_changed(before, after, vm.count("figures") ? vm["figures"].as<std::string>() : "");
  if (vm.count("markdown")) write_file_atomically(vm["markdown"].as<std::string>(), markdown);
  else std::cout << markdown;
  return flipped ? kExitClaimFailed : kExitOk;
}

int publish_command(const std::vector<std::string>& args) {
  po::options_description options(
      "superpos publish --site DIR --build OUT --work DIR --pandoc-html FLAGS --pandoc-pdf FLAGS [options]");
  options.add_options()("help,h", "show this help")("site", po::value<std::string>()->required(), "the publish folder")(
      "build", po::value<std::string>()->required(), "the build tree whose report to publish (its report/report.md)")(
      "work", po::value<std::string>()->required(), "a folder for the typeset report (replaced)")(
      "pandoc-html", po::value<std::string>()->required(), "the pandoc command for HTML, as make runs it")(
      "pandoc-pdf", po::value<std::string>()->required(), "the pandoc command for PDF")(
      "commit", po::value<std::string>()->default_value("unknown"), "the project's commit")(
      "dirty", "the working tree had uncommitted changes")(
      "timestamp", po::value<std::string>(), "publication time, UTC, RFC 3339 (default: now)")(
      "git", po::value<std::string>(), "also commit the site to a branch of this repository (URL or path) and push it")(
      "branch", po::value<std::string>()->default_value("gh-pages"), "the branch --git commits to");
  po::variables_map vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  po::notify(vm);
  std::string timestamp = vm.count("timestamp") ? vm["timestamp"].as<std::string>() : utc_now();
  if (timestamp.size() != 20 || timestamp[10] != 'T' || timestamp.back() != 'Z')
    throw InputError(fmt::format("command line: --timestamp '{}' is not of the form 2026-11-25T15:00:00Z", timestamp));
  const fs::path site = vm["site"].as<std::string>(), build = vm["build"].as<std::string>();
  const fs::path work = vm["work"].as<std::string>();
  const Snapshot after = read_snapshot(build);  // a build without a rendered report stops here

  const std::string git_url = vm.count("git") ? vm["git"].as<std::string>() : "";
  if (vm.count("git") && git_url.empty()) throw InputError("command line: PUBLISH_GIT is empty (expected a URL or a path)");
  if (!git_url.empty() && !is_branch_name(vm["branch"].as<std::string>()))
    throw InputError(fmt::format("command line: PUBLISH_BRANCH '{}' is not a branch name git accepts",
                                 vm["branch"].as<std::string>()));
  claim_site_folder(site);  // refuses a folder superpos did not make, before anything is written
  const SiteLock lock(site);
  remove_site_temporaries(site);  // of publishes that were killed
  // With --git, the site as it now is goes to the branch too: a version whose push failed before is
  // pushed by the next publish, changed or not.
  auto push = [&](const std::string& version, const std::string& changes) {
    if (git_url.empty()) return;
    const GitPublish request{git_url, vm["branch"].as<std::string>(), site, work / "git",
                             fmt::format("superpos: version {}\n\n{}\n", version,
                                         changes.empty() ? std::string("The first published version.") : changes)};
    const GitPublishOutcome pushed = publish_to_git(request);
    if (pushed.committed)
      fmt::print("superpos: committed version {} to {} (branch {}) as {} and pushed it\n", version, git_url,
                 request.branch, pushed.commit.substr(0, 12));
    else
      fmt::print("superpos: {} (branch {}) already holds version {}; nothing committed\n", git_url, request.branch, version);
  };
  if (const auto same = version_with_content(site, build_content_hash(build))) {
    write_site_index(site);
    fmt::print("superpos: the report is unchanged since version {}; nothing new published\n", *same);
    const fs::path kept = site / *same / "changes.md";
    push(*same, fs::exists(kept) ? read_file(kept) : std::string());
    return kExitOk;
  }
  // Compared with the newest version under the lock: the version meta.json will name.
  const nlohmann::json previous = newest_version(site);
  std::error_code ec;
  fs::remove_all(work, ec);
  ensure_output_directory(work);
  const fs::path changes = work / "changes.md";
  std::string markdown;
  if (previous.is_object())
    markdown = what_changed(read_snapshot(site / previous.value("version", "")), after, (work / "figures").string()).first;
  write_file_atomically(changes, markdown);
  const fs::path report = build / "report" / "report.md";
  typeset(vm["pandoc-html"].as<std::string>(), work / "report.html", {changes, report});
  typeset(vm["pandoc-pdf"].as<std::string>(), work / "report.pdf", {changes, report});

  const PublishRequest request{site, build, work / "report.html", work / "report.pdf",
                               previous.is_object() ? changes : fs::path(), vm["commit"].as<std::string>(),
                               vm.count("dirty") > 0, timestamp, previous};
  const PublishOutcome outcome = publish_version(request);
  if (outcome.created)
    fmt::print("superpos: published version {} in {} ({}/index.html)\n", outcome.version, site.string(), site.string());
  else
    fmt::print("superpos: the report is unchanged since version {}; nothing new published\n", outcome.version);
  push(outcome.version, markdown);
  return kExitOk;
}

}  // namespace superpos::cli
