// Hostile but fair input (issue 12): names and paths that a shell would execute, files that never
// end, damaged run records, foreign --out folders. Children start from an argument vector here too,
// so the test's own shell cannot be the one that runs an injected command.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int status;
  std::string output;  // stderr
};

Outcome run_argv(std::vector<std::string> args, const fs::path& cwd) {
  const fs::path err = fs::temp_directory_path() / "superpos_hostile_stderr";
  const pid_t child = ::fork();
  if (child == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    FILE* sink = std::freopen(err.c_str(), "w", stderr);
    (void)sink;
    std::vector<char*> argv;
    static std::string cli = SUPERPOS_CLI;
    argv.push_back(cli.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cli.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("superpos_hostile_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path short_run(const fs::path& dir) {
  std::ofstream(dir / "c.ini") << "name = c\nactivation = relu\nsparsity = 0.9\nsteps = 20\nbatch = 16\n";
  REQUIRE(run_argv({"train", "--config", "c.ini", "--out", "run", "--quiet"}, dir).status == 0);
  return dir / "run";
}

}  // namespace

TEST_CASE("plot --out with quotes and $(...) writes there and executes nothing", "[hostile]") {
  const fs::path dir = fresh("inject");
  short_run(dir);
  for (const std::string out : {"d'$(touch PWNED)'", "Bob's figs", "a;touch PWNED2", "`touch PWNED3`"}) {
    INFO(out);
    const Outcome o = run_argv({"plot", "--run", "run", "--out", out, "--only", "weights"}, dir);
    CHECK(o.status == 0);
    CHECK(o.output.empty());
    CHECK(fs::exists(dir / out / "weights.svg"));
    CHECK(fs::exists(dir / out / "weights.pdf"));
  }
  CHECK_FALSE(fs::exists(dir / "PWNED"));
  CHECK_FALSE(fs::exists(dir / "PWNED2"));
  CHECK_FALSE(fs::exists(dir / "PWNED3"));
}

TEST_CASE("A config that never ends or loops is refused with its reason", "[hostile]") {
  const fs::path dir = fresh("files");
  Outcome o = run_argv({"train", "--config", "/dev/zero", "--out", "o"}, dir);
  CHECK(o.status == 2);
  CHECK(o.output == "superpos: /dev/zero: is larger than 1024 KiB, not a configuration file\n");
  fs::create_symlink(dir / "loop_a", dir / "loop_b");
  fs::create_symlink(dir / "loop_b", dir / "loop_a");
  o = run_argv({"train", "--config", "loop_a", "--out", "o"}, dir);
  CHECK(o.status == 2);
  CHECK(o.output == "superpos: loop_a: cannot be read (Too many levels of symbolic links)\n");
  CHECK_FALSE(fs::exists(dir / "o"));
}

TEST_CASE("A damaged run record is an error naming the field, never a crash", "[hostile]") {
  const fs::path dir = fresh("record");
  const fs::path run = short_run(dir);
  std::stringstream original;
  original << std::ifstream(run / "results.json").rdbuf();
  const std::string text = original.str();
  const std::vector<std::pair<std::string, std::string>> damages = {
      {"\"hidden\": 2", "\"hidden\": 0"},
      {"\"features\": 5", "\"features\": -1"},
      {"\"features\": 5", "\"features\": 3.7"},
      {"\"activation\": \"relu\"", "\"activation\": \"gelu\""},
  };
  const std::vector<std::string> messages = {
      "field 'hidden' is out of range (0)", "field 'features' is out of range (-1)",
      "field 'features' is not a whole number", "field 'activation' is 'gelu' (expected linear or relu)"};
  for (std::size_t k = 0; k < damages.size(); ++k) {
    std::string damaged = text;
    const auto at = damaged.find(damages[k].first);
    REQUIRE(at != std::string::npos);
    damaged.replace(at, damages[k].first.size(), damages[k].second);
    std::ofstream(run / "results.json") << damaged;
    const Outcome o = run_argv({"plot", "--run", "run", "--out", "figs"}, dir);
    INFO(damages[k].second);
    CHECK(o.status == 2);
    CHECK(o.output == "superpos: run/results.json: malformed run record: " + messages[k] + "\n");
  }
}

TEST_CASE("An --out folder holding someone else's files is refused and left alone", "[hostile]") {
  const fs::path dir = fresh("foreign");
  fs::create_directories(dir / "home");
  std::ofstream(dir / "home" / "thesis.tex") << "precious";
  std::ofstream(dir / "c.ini") << "name = c\nsteps = 5\nbatch = 8\n";
  const Outcome o = run_argv({"train", "--config", "c.ini", "--out", "home"}, dir);
  CHECK(o.status == 2);
  CHECK(o.output == "superpos: home: --out holds 'thesis.tex', which superpos did not write; give a new or empty folder\n");
  CHECK(fs::exists(dir / "home" / "thesis.tex"));
}

TEST_CASE("A retrain replaces the run folder whole and leaves no temporary", "[hostile]") {
  const fs::path dir = fresh("replace");
  const fs::path run = short_run(dir);
  std::ofstream(run / "weights.csv") << "damaged";
  REQUIRE(run_argv({"train", "--config", "c.ini", "--out", "run", "--quiet", "--steps", "30"}, dir).status == 0);
  std::ifstream weights(run / "weights.csv");
  std::string header;
  std::getline(weights, header);
  CHECK(header.rfind("feature,importance", 0) == 0);
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
}
