// `superpos diff OLD NEW`: what changed between two report versions (published versions or build
// trees), as Markdown; exits 1 when a claim's verdict flipped, so it can gate a CI job.
// `superpos publish`: adds the built report to a site as a new version (see publish/site.hpp).
#include <boost/program_options.hpp>
#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "plot/figures.hpp"
#include "publish/site.hpp"
#include "publish/snapshot_diff.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace superpos::cli {

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
  const DiffTolerances tolerances;
  const SnapshotDiff diff = diff_snapshots(before, after, tolerances);
  std::string figures;
  if (vm.count("figures")) {
    figures = vm["figures"].as<std::string>();
    for (const std::string& run : diff.changed_runs) {
      const fs::path dir = fs::path(figures) / run;
      ensure_output_directory(dir);
      plot_weights_change(before.runs.at(run), after.runs.at(run), dir);
    }
  }
  const std::string markdown = diff_markdown(diff, before, tolerances, figures);
  if (vm.count("markdown")) write_file_atomically(vm["markdown"].as<std::string>(), markdown);
  else std::cout << markdown;
  return diff.flips.empty() ? kExitOk : kExitClaimFailed;
}

int publish_command(const std::vector<std::string>& args) {
  po::options_description options("superpos publish --site DIR --build OUT --html FILE --pdf FILE [options]");
  options.add_options()("help,h", "show this help")("site", po::value<std::string>()->required(), "the publish folder")(
      "build", po::value<std::string>()->required(), "the build tree whose report to publish")(
      "html", po::value<std::string>()->required(), "the report (HTML) with its what-changed section")(
      "pdf", po::value<std::string>()->required(), "the same as PDF")(
      "changes", po::value<std::string>()->default_value(""), "the what-changed section (Markdown)")(
      "commit", po::value<std::string>()->default_value("unknown"), "the project's commit")(
      "dirty", "the working tree had uncommitted changes")(
      "timestamp", po::value<std::string>(), "publication time, UTC, RFC 3339 (default: now)");
  po::variables_map vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  po::notify(vm);
  PublishRequest request{vm["site"].as<std::string>(), vm["build"].as<std::string>(), vm["html"].as<std::string>(),
                         vm["pdf"].as<std::string>(), vm["changes"].as<std::string>(),
                         vm["commit"].as<std::string>(), vm.count("dirty") > 0, ""};
  if (vm.count("timestamp")) {
    request.timestamp = vm["timestamp"].as<std::string>();
    if (request.timestamp.size() != 20 || request.timestamp[10] != 'T' || request.timestamp.back() != 'Z')
      throw InputError(fmt::format("command line: --timestamp '{}' is not of the form 2026-11-25T15:00:00Z", request.timestamp));
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[21];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    request.timestamp = text;
  }
  const PublishOutcome outcome = publish_version(request);
  if (outcome.created)
    fmt::print("superpos: published version {} in {} ({}/index.html)\n", outcome.version, request.site.string(),
               request.site.string());
  else
    fmt::print("superpos: the report is unchanged since version {}; nothing new published\n", outcome.version);
  return kExitOk;
}

}  // namespace superpos::cli
