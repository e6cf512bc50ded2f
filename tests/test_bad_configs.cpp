// The bad-input corpus (tests/bad_configs/cases.tsv): every case gives its exact one-line message and
// exit status, and a failing case leaves nothing in the output folder.
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string config, args, out;
  int exit_status;
  std::string message;
};

std::vector<Case> load_cases() {
  std::ifstream in(fs::path(SUPERPOS_SOURCE_DIR) / "tests/bad_configs/cases.tsv");
  std::vector<Case> cases;
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      header_seen = true;  // the column names
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
    fields.resize(5);
    cases.push_back({fields[0], fields[1], fields[2], std::stoi(fields[3]), fields[4]});
  }
  return cases;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

struct Outcome {
  int status;
  std::string stderr_text;
};

Outcome run(const std::string& args, const fs::path& scratch) {
  const fs::path err = scratch / "stderr.txt";
  const std::string command = std::string(SUPERPOS_CLI) + " " + args + " >/dev/null 2>" + err.string();
  const int raw = std::system(command.c_str());
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text.str()};
}

}  // namespace

TEST_CASE("Every case of the bad-input corpus gives its exact message and status", "[cli][bad_configs]") {
  const std::vector<Case> cases = load_cases();
  REQUIRE(cases.size() >= 30);
  const fs::path corpus = fs::path(SUPERPOS_SOURCE_DIR) / "tests/bad_configs";
  for (const Case& c : cases) {
    const fs::path scratch = fs::temp_directory_path() / "superpos_bad_configs";
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    std::ofstream(scratch / "a_file") << "not a folder\n";
    const std::string config = c.config == "." ? corpus.string() : (corpus / c.config).string();
    const std::string out = c.out == "{tmp}"     ? (scratch / "out").string()
                            : c.out == "{a_file}" ? (scratch / "a_file").string()
                                                  : std::string("/proc/superpos-unwritable/out");
    INFO("case " << c.config << " " << c.args << " " << c.out);
    const Outcome o = run("train --config " + config + " --out " + out + " --quiet " + c.args, scratch);
    CHECK(o.status == c.exit_status);
    const std::string expected = replace_all(replace_all(c.message, "{config}", config), "{out}", out);
    CHECK(o.stderr_text == (expected.empty() ? "" : expected + "\n"));
    if (c.exit_status != 0 && c.out == "{tmp}") {
      // Nothing written: the folder is either absent or empty.
      CHECK((!fs::exists(out) || fs::is_empty(out)));
    }
  }
}

TEST_CASE("An unreadable configuration file is a one-line error", "[cli][bad_configs]") {
  if (::geteuid() == 0) {
    WARN("running as root, which reads any file: the unreadable case cannot be set up");
    return;
  }
  const fs::path scratch = fs::temp_directory_path() / "superpos_unreadable";
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const fs::path config = scratch / "locked.ini";
  std::ofstream(config) << "name = x\n";
  fs::permissions(config, fs::perms::none);
  const Outcome o = run("train --config " + config.string() + " --out " + (scratch / "out").string(), scratch);
  CHECK(o.status == 2);
  CHECK(o.stderr_text == "superpos: " + config.string() + ": cannot be read (permission denied?)\n");
  CHECK_FALSE(fs::exists(scratch / "out"));
  fs::permissions(config, fs::perms::owner_all);
}
