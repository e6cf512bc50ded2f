// End-to-end: the superpos binary's exit statuses, one-line errors, and what it leaves on disk.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <map>
#include <nlohmann/json.hpp>

#include "io/config.hpp"
#include "io/run_results.hpp"
#include "paper/paper_claims.hpp"
#include "paper/sweep_results.hpp"
#include "train/notebook_trainer.hpp"

using namespace superpos;

namespace {

struct Outcome {
  int status;
  std::string output;  // stdout and stderr together
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) { return os << "exit " << o.status << ": " << o.output; }

Outcome run_cli(const std::string& args) {
  const std::string command = std::string(SUPERPOS_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (pipe && fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int raw = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, output};
}

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("superpos_cli_" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("A bad config value exits 2 with one line and writes nothing", "[cli]") {
  const auto dir = fresh_dir("bad");
  const auto config = std::filesystem::temp_directory_path() / "superpos_cli_bad.ini";
  std::ofstream(config) << "name = x\nsparsity = 2\n";
  const Outcome o = run_cli("train --config " + config.string() + " --out " + dir.string());
  CHECK(o.status == 2);
  CHECK(o.output == "superpos: " + config.string() +
                        ":2: key 'sparsity': value '2' is out of range (expected 0 <= sparsity < 1)\n");
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("A diverging run exits 3 with the step and a hint, and leaves no results", "[cli]") {
  const auto dir = fresh_dir("diverge");
  const auto config = std::filesystem::temp_directory_path() / "superpos_cli_diverge.ini";
  std::ofstream(config) << "name = x\nsteps = 300\nbatch = 64\n";
  const Outcome o = run_cli("train --config " + config.string() + " --lr 1e6 --out " + dir.string());
  CHECK(o.status == 3);
  CHECK(o.output.find("training diverged at step") != std::string::npos);
  CHECK(o.output.find("try a lower lr") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "results.json"));
}

TEST_CASE("A good run writes every table and results.json", "[cli]") {
  const auto dir = fresh_dir("good");
  const auto config = std::filesystem::temp_directory_path() / "superpos_cli_good.ini";
  std::ofstream(config) << "name = x\nsteps = 50\nbatch = 32\n";
  const Outcome o = run_cli("train --config " + config.string() + " --out " + dir.string());
  CHECK(o.status == 0);
  for (const char* file : {"results.json", "weights.csv", "bias.csv", "angles.csv", "interactions.csv",
                           "interference.csv", "loss.csv", "timing.json"})
    CHECK(std::filesystem::exists(dir / file));
  std::ifstream angles(dir / "angles.csv");
  std::string header;
  std::getline(angles, header);
  CHECK(header == "i,j,degrees");
}

TEST_CASE("Unknown commands and options exit 2", "[cli]") {
  CHECK(run_cli("frobnicate").status == 2);
  CHECK(run_cli("train --no-such-option 1").status == 2);
}

namespace {

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST_CASE("Tables and figures are byte-identical run after run and from another directory", "[cli][determinism]") {
  namespace fs = std::filesystem;
  const fs::path config = fs::temp_directory_path() / "superpos_cli_determinism.ini";
  std::ofstream(config) << "name = det\nactivation = relu\nsparsity = 0.9\nsteps = 200\nbatch = 128\n";
  const fs::path first = fresh_dir("det_first"), second = fresh_dir("det_second");
  REQUIRE(run_cli("train --config " + config.string() + " --out " + first.string()).status == 0);
  REQUIRE(run_cli("plot --run " + first.string() + " --out " + (first / "figures").string()).status == 0);
  // The second time from another working directory (the run and figure folders are absolute).
  const std::string elsewhere = "cd " + fs::temp_directory_path().string() + " && ";
  const std::string cli = SUPERPOS_CLI;
  REQUIRE(std::system((elsewhere + cli + " train --config " + config.string() + " --out " + second.string()).c_str()) == 0);
  REQUIRE(std::system((elsewhere + cli + " plot --run " + second.string() + " --out " + (second / "figures").string())
                          .c_str()) == 0);
  int compared = 0;
  for (const char* file : {"weights.csv", "bias.csv", "angles.csv", "interactions.csv", "interference.csv", "loss.csv",
                           "figures/weights.svg", "figures/weights.pdf", "figures/interactions.svg",
                           "figures/interactions.pdf", "figures/bias.pdf", "figures/interference.pdf",
                           "figures/loss.pdf"}) {
    INFO(file);
    REQUIRE(fs::exists(first / file));
    CHECK(file_bytes(first / file) == file_bytes(second / file));
    ++compared;
  }
  CHECK(compared == 13);
}

TEST_CASE("A sweep writes one run folder per instance, the same for any thread count", "[cli][determinism]") {
  namespace fs = std::filesystem;
  const fs::path config = fs::temp_directory_path() / "superpos_cli_sweep.ini";
  std::ofstream(config) << "name = sw\nactivation = relu\nfeatures = 20\nhidden = 5\nsteps = 60\nbatch = 128\n"
                           "instances = 0, 0.5, 0.9\n";
  const fs::path out = fresh_dir("sweep"), kept = fresh_dir("sweep_one_thread");
  REQUIRE(run_cli("train --config " + config.string() + " --out " + out.string() + " --threads 1").status == 0);
  REQUIRE(fs::exists(out / "instances.json"));
  fs::copy(out, kept, fs::copy_options::recursive);
  REQUIRE(run_cli("train --config " + config.string() + " --out " + out.string() + " --threads 3").status == 0);
  int compared = 0;
  for (const char* instance : {"i0", "i1", "i2"})
    for (const char* file : {"results.json", "weights.csv", "bias.csv", "loss.csv", "features.csv"}) {
      INFO(instance << "/" << file);
      REQUIRE(fs::exists(out / instance / file));
      CHECK(file_bytes(out / instance / file) == file_bytes(kept / instance / file));
      ++compared;
    }
  CHECK(compared == 15);
  CHECK(file_bytes(out / "instances.json") == file_bytes(kept / "instances.json"));
  // Each instance is the config at its own sparsity.
  CHECK_THAT(file_bytes(out / "i2" / "results.json"), Catch::Contains("\"sparsity\": 0.9,"));
}

TEST_CASE("A shared-stream sweep trains its instances from one stream, as train_notebook does", "[cli][notebook]") {
  namespace fs = std::filesystem;
  const fs::path config = fs::temp_directory_path() / "superpos_cli_shared.ini";
  std::ofstream(config) << "name = nb\nactivation = relu\ninput = uniform\nfeatures = 5\nhidden = 2\nsteps = 40\n"
                           "batch = 64\nseed = 3\ninstances = 1 - 20^-linspace(0, 1, 4)\ninstance_stream = shared\n"
                           "schedule = constant\nfeature_loss = mean\nlog_every = 10\n";
  const fs::path out = fresh_dir("shared"), kept = fresh_dir("shared_again");
  REQUIRE(run_cli("train --config " + config.string() + " --out " + out.string()).status == 0);
  fs::copy(out, kept, fs::copy_options::recursive);
  REQUIRE(run_cli("train --config " + config.string() + " --out " + out.string()).status == 0);

  const RunConfig parsed = load_run_config(config.string(), std::map<std::string, std::string>{});
  const NotebookSettings settings = notebook_settings(parsed);
  const NotebookResult direct = train_notebook(settings);
  for (std::size_t k = 0; k < 4; ++k) {
    const fs::path folder = out / ("i" + std::to_string(k));
    INFO(folder);
    CHECK(file_bytes(folder / "results.json") == file_bytes(kept / ("i" + std::to_string(k)) / "results.json"));
    const RunResults read = read_run(folder);
    CHECK(read.model.weights == direct.instances[k].weights);  // the CLI adds nothing to the training
    CHECK(read.config.shared_stream);
    CHECK(read.config.train.schedule == LrSchedule::constant);
    CHECK(read.config.train.feature_loss == FeatureLoss::mean);
    CHECK(read.draws_used == notebook_draws(settings));
  }
  // The float each instance's mask compared with is on record.
  CHECK_THAT(file_bytes(out / "instances.json"), Catch::Contains("\"presence\": "));
  // A sweep whose instances draw apart differs: the stream is what the key changes.
  const fs::path own = fresh_dir("own");
  REQUIRE(run_cli("train --config " + config.string() + " --out " + own.string() + " --instance_stream own").status == 0);
  CHECK(file_bytes(own / "i1" / "weights.csv") != file_bytes(out / "i1" / "weights.csv"));
}

TEST_CASE("A shared-stream grid over importance trains each decay as its own sweep, on any number of threads",
          "[cli][notebook]") {
  namespace fs = std::filesystem;
  const fs::path config = fs::temp_directory_path() / "superpos_cli_grid.ini";
  std::ofstream(config) << "name = grid\nactivation = relu\ninput = uniform\nfeatures = 2\nhidden = 1\nsteps = 30\n"
                           "batch = 32\nseed = 5\ninstances = 0, 0.9\ninstance_stream = shared\n"
                           "importance_decays = 0.5, 2, 4\nschedule = constant\nfeature_loss = mean\n";
  const fs::path one = fresh_dir("grid_one"), two = fresh_dir("grid_two");
  REQUIRE(run_cli("train --config " + config.string() + " --out " + one.string() + " --threads 1").status == 0);
  REQUIRE(run_cli("train --config " + config.string() + " --out " + two.string() + " --threads 2").status == 0);
  const RunConfig parsed = load_run_config(config.string(), std::map<std::string, std::string>{});
  for (std::size_t d = 0; d < 3; ++d) {
    NotebookSettings settings = notebook_settings(parsed);
    settings.train.importance_decay = parsed.instance_decays[d];
    const NotebookResult direct = train_notebook(settings);
    for (std::size_t k = 0; k < 2; ++k) {
      const std::string folder = "i" + std::to_string(d * 2 + k);
      INFO(folder);
      for (const char* file : {"weights.csv", "bias.csv", "loss.csv", "features.csv"})
        CHECK(file_bytes(one / folder / file) == file_bytes(two / folder / file));
      const RunResults read = read_run(one / folder);
      CHECK(read.model.weights == direct.instances[k].weights);
      CHECK(read.config.train.importance_decay == parsed.instance_decays[d]);
    }
  }
  // Each results.json records its command, --out included, and the listing keeps each record's
  // digest: those lines differ between the two folders, the rest must not.
  const auto without_digests = [](const std::string& text) {
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);)
      if (line.find("\"results_sha256\"") == std::string::npos) out += line + "\n";
    return out;
  };
  CHECK(without_digests(file_bytes(one / "instances.json")) == without_digests(file_bytes(two / "instances.json")));
  CHECK_THAT(file_bytes(one / "instances.json"), Catch::Contains("\"importance_decay\": 4.0"));
}

TEST_CASE("A sweep with restarts keeps each instance's lowest held-out loss, on any number of threads",
          "[cli][notebook]") {
  // Restart r of a sweep is the sweep trained from seed + 1000 r: each kept instance must be, file
  // for file, that restart's instance, and the one whose held-out loss is lowest. Both kinds of
  // stream, and the same folder for 1 and 3 threads.
  namespace fs = std::filesystem;
  for (const char* stream : {"shared", "own"}) {
    INFO(stream << " stream");
    const fs::path config = fs::temp_directory_path() / "superpos_cli_restarts.ini";
    const std::string body = std::string("name = restarted\nactivation = relu\ninput = uniform\nfeatures = 2\nhidden = 1\n"
                                         "steps = 40\nbatch = 32\nseed = 5\ninstances = 0.5, 0.9\ninstance_stream = ") +
                             stream + "\nschedule = constant\nfeature_loss = mean\n";
    std::ofstream(config) << body << "restarts = 3\n";
    const fs::path one = fresh_dir("restarts_one"), three = fresh_dir("restarts_three");
    REQUIRE(run_cli("train --config " + config.string() + " --out " + one.string() + " --threads 1").status == 0);
    REQUIRE(run_cli("train --config " + config.string() + " --out " + three.string() + " --threads 3").status == 0);
    std::vector<fs::path> alone;
    for (int r = 0; r < 3; ++r) {
      const fs::path single = fs::temp_directory_path() / "superpos_cli_restart_single.ini";
      std::ofstream(single) << body;
      alone.push_back(fresh_dir("restart_alone" + std::to_string(r)));
      REQUIRE(run_cli("train --config " + single.string() + " --seed " + std::to_string(5 + 1000 * r) + " --out " +
                      alone.back().string())
                  .status == 0);
    }
    const auto listing = nlohmann::json::parse(file_bytes(one / "instances.json"));
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& entry = listing.at("instances").at(k);
      const auto losses = entry.at("restart_losses").get<std::vector<double>>();
      REQUIRE(losses.size() == 3);
      const std::size_t kept = entry.at("restart").get<std::size_t>();
      CHECK(kept == static_cast<std::size_t>(std::min_element(losses.begin(), losses.end()) - losses.begin()));
      const std::string folder = "i" + std::to_string(k);
      for (int r = 0; r < 3; ++r)
        CHECK(read_run(alone[r] / folder).evaluation.expected_loss == Approx(losses[r]).epsilon(1e-12));
      for (const char* file : {"weights.csv", "bias.csv", "loss.csv"}) {
        CHECK(file_bytes(one / folder / file) == file_bytes(alone[kept] / folder / file));
        CHECK(file_bytes(one / folder / file) == file_bytes(three / folder / file));
      }
    }
    // The listings differ only in each record's digest (a record names its --out).
    auto without_digests = [](nlohmann::json listing) {
      for (auto& entry : listing.at("instances")) entry.erase("results_sha256");
      return listing;
    };
    CHECK(without_digests(listing) == without_digests(nlohmann::json::parse(file_bytes(three / "instances.json"))));
  }
}

TEST_CASE("A sweep assembled from its tasks' parts is the sweep trained whole, byte for byte", "[cli][cluster]") {
  // What superpos submit does on a cluster: each task (an instance's restart with its own stream, a
  // decay's restart with a shared one) trained alone with --part, then --from-parts. The folder must
  // be the whole training's, results.json's command included (--from-parts is left out of it).
  namespace fs = std::filesystem;
  const fs::path dir = fresh_dir("parts");
  fs::create_directories(dir);
  const std::map<std::string, std::string> configs = {
      {"own", "name = own\nactivation = relu\ninput = uniform\nfeatures = 6\nhidden = 2\nsteps = 40\nbatch = 32\n"
              "instances = 0, 0.9\nrestarts = 2\n"},
      {"shared", "name = shared\nactivation = relu\ninput = uniform\nfeatures = 2\nhidden = 1\nsteps = 30\nbatch = 32\n"
                 "seed = 5\ninstances = 0, 0.9\ninstance_stream = shared\nimportance_decays = 0.5, 4\n"
                 "schedule = constant\nfeature_loss = mean\nrestarts = 2\n"}};
  for (const auto& [name, body] : configs) {
    INFO(name);
    const fs::path config = dir / (name + ".ini"), whole = dir / (name + "_whole"), parts = dir / (name + "_parts");
    std::ofstream(config) << body;
    const std::string train = "train --config " + config.string() + " --out " + whole.string() + " --quiet";
    REQUIRE(run_cli(train).status == 0);
    const fs::path kept = dir / (name + "_kept");
    fs::copy(whole, kept, fs::copy_options::recursive);
    for (int task = 0; task < 4; ++task)  // 2 instances (or decays) x 2 restarts
      REQUIRE(run_cli("train --config " + config.string() + " --out " + (parts / ("t" + std::to_string(task))).string() +
                      " --part " + std::to_string(task) + " --quiet").status == 0);
    CHECK(run_cli("train --config " + config.string() + " --out " + whole.string() + " --part 4").status == 2);
    REQUIRE(run_cli(train + " --from-parts " + parts.string()).status == 0);
    int compared = 0;
    for (const auto& entry : fs::recursive_directory_iterator(kept)) {
      if (!entry.is_regular_file() || entry.path().filename() == "timing.json") continue;
      const fs::path other = whole / fs::relative(entry.path(), kept);
      INFO(other.string());
      CHECK(file_bytes(other) == file_bytes(entry.path()));
      ++compared;
    }
    CHECK(compared > 10);
    // A part missing: one line naming its listing, and the sweep left as it was.
    fs::remove_all(parts / "t3");
    const Outcome missing = run_cli(train + " --from-parts " + parts.string());
    CHECK(missing.status == 2);
    CHECK_THAT(missing.output, Catch::Contains((parts / "t3" / "part.json").string()));
    CHECK(file_bytes(whole / "instances.json") == file_bytes(kept / "instances.json"));
  }
  // A single run has no tasks.
  const fs::path single = dir / "single.ini";
  std::ofstream(single) << "name = one\nsteps = 10\nbatch = 8\n";
  const Outcome refused = run_cli("train --config " + single.string() + " --out " + (dir / "one").string() + " --part 0");
  CHECK(refused.status == 2);
  CHECK_THAT(refused.output, Catch::Contains("are for a sweep"));
}

TEST_CASE("snapshot_every records W during training, and a run's snapshots are read back checked", "[cli]") {
  // Snapshots at 0, every K steps and at the last step; the last is the trained W; the file is
  // read back as written, and an edited one is refused with its name.
  namespace fs = std::filesystem;
  const fs::path dir = fresh_dir("snapshots");
  fs::create_directories(dir);
  const fs::path config = dir / "snap.ini";
  std::ofstream(config) << "name = snap\nactivation = relu\nsparsity = 0.7\nfeatures = 6\nhidden = 2\nsteps = 25\n"
                           "batch = 32\nsnapshot_every = 10\n";
  const Outcome trained = run_cli("train --config " + config.string() + " --out " + (dir / "run").string());
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const RunResults run = read_run(dir / "run");
  REQUIRE(run.snapshots.size() == 4);
  CHECK(run.snapshots[0].step == 0);
  CHECK(run.snapshots[1].step == 10);
  CHECK(run.snapshots[2].step == 20);
  CHECK(run.snapshots[3].step == 25);
  CHECK(run.snapshots[3].weights == run.model.weights);
  CHECK(run.snapshots[0].weights != run.snapshots[1].weights);
  // The same run without snapshots trains the same W (recording does not touch the stream).
  std::ofstream(dir / "plain.ini") << "name = snap\nactivation = relu\nsparsity = 0.7\nfeatures = 6\nhidden = 2\n"
                                      "steps = 25\nbatch = 32\n";
  REQUIRE(run_cli("train --config " + (dir / "plain.ini").string() + " --out " + (dir / "plain").string()).status == 0);
  CHECK(read_run(dir / "plain").model.weights == run.model.weights);
  CHECK_FALSE(fs::exists(dir / "plain" / "snapshots.csv"));
  std::ofstream(dir / "run" / "snapshots.csv", std::ios::app) << "25,0,9,9\n";
  CHECK_THROWS_WITH(read_run(dir / "run"), Catch::Contains("snapshots.csv") && Catch::Contains("edited or damaged"));
}

TEST_CASE("The geometry plateau's verdict is the same on a grid and on a denser grid that contains it", "[cli][paper]") {
  // Issue #25: a reading that counted grid points in a row changed with the grid. Trained, not
  // hand-made: a small geometry sweep (own streams, so an instance at a shared sparsity is the same
  // model on both grids) on 10 sparsities and on 19 that contain them.
#if defined(__SANITIZE_ADDRESS__)
  // A reading of trained numbers, not of memory: under the sanitizers its 29 instances took 118 s
  // of make test-sanitize's 420 s budget, and the other sweep tests run the same code there.
  WARN("checked in the plain build only (make test)");
  return;
#endif
  namespace fs = std::filesystem;
  const fs::path dir = fresh_dir("plateau_grid");
  fs::create_directories(dir);
  const std::string body = "activation = relu\ninput = uniform\nfeatures = 40\nhidden = 4\nimportance_decay = 1\n"
                           "steps = 300\nbatch = 128\nschedule = constant\nfeature_loss = mean\n";
  const Thresholds thresholds = load_thresholds(std::string(SUPERPOS_SOURCE_DIR) + "/report/thresholds.ini");
  std::vector<ClaimResult> verdicts;
  std::vector<double> widths;
  for (int n : {10, 19}) {
    const fs::path config = dir / ("grid" + std::to_string(n) + ".ini");
    std::ofstream(config) << "name = grid" << n << "\n" << body << "instances = 1 - 20^-linspace(0, 1, " << n << ")\n";
    REQUIRE(run_cli("train --config " + config.string() + " --out " + (dir / ("grid" + std::to_string(n))).string()).status == 0);
    const SweepResults sweep = read_sweep(config.string(), dir / ("grid" + std::to_string(n)));
    verdicts.push_back(check_geometry_sticks_at_half(sweep, thresholds));
    widths.push_back(half_plateau(dimensions_curve(sweep), thresholds).log_width());
  }
  INFO(verdicts[0].measured << "\n" << verdicts[1].measured);
  CHECK(verdicts[0].verdict == verdicts[1].verdict);
  // The stretch itself: the denser grid refines it (here by 2%), it does not move it.
  CHECK(widths[1] == Approx(widths[0]).epsilon(0.1));
}

TEST_CASE("superpos paper renders a chapter from its sweep, and refuses a stale sweep or a bad template",
          "[cli][paper]") {
  namespace fs = std::filesystem;
  const fs::path work = fresh_dir("paper");
  fs::create_directories(work / "runs");
  const fs::path config = work / "intro_tiny.ini";
  std::ofstream(config) << "name = intro_tiny\nactivation = relu\ninput = uniform\nfeatures = 5\nhidden = 2\nsteps = 30\n"
                           "batch = 64\ninstances = 1 - 20^-linspace(0, 1, 3)\ninstance_stream = shared\n"
                           "schedule = constant\nfeature_loss = mean\n";
  const fs::path template_path = work / "paper.md";
  std::ofstream(template_path) << "Setting: {{setting intro}}\n\n{{claims intro}}\n\n{{figure intro_panels}}\n";
  const std::string thresholds = std::string(SUPERPOS_SOURCE_DIR) + "/report/thresholds.ini";
  REQUIRE(run_cli("train --config " + config.string() + " --out " + (work / "runs" / "intro_tiny").string()).status == 0);
  const std::string paper = "paper --intro " + config.string() + " --runs " + (work / "runs").string() +
                            " --thresholds " + thresholds + " --template " + template_path.string() + " --out " +
                            (work / "out").string();
  const Outcome made = run_cli(paper);
  INFO(made.output);
  REQUIRE(made.status == 0);
  const std::string markdown = file_bytes(work / "out" / "paper.md");
  CHECK_THAT(markdown, Catch::Contains("intro.densest_two_orthogonal") && Catch::Contains("30 steps of batch 64"));
  CHECK(fs::exists(work / "out" / "figures" / "intro_panels.svg"));
  CHECK(fs::exists(work / "out" / "figures" / "intro_panels.pdf"));
  CHECK_THAT(file_bytes(work / "out" / "claims.json"), Catch::Contains("\"from_paper\": true"));

  // Without --template it prints the claims, for make check.
  const Outcome listed = run_cli("paper --intro " + config.string() + " --runs " + (work / "runs").string() +
                                 " --thresholds " + thresholds);
  CHECK(listed.status == 0);
  CHECK_THAT(listed.output, Catch::Contains("intro.sparsest_all_represented"));

  // Robustness seeds: a chapter trained on fewer seeds than the rest (ROLE:N) counts only those.
  for (int seed : {0, 1})
    REQUIRE(run_cli("train --config " + config.string() + " --seed " + std::to_string(seed) + " --stream_offset 0 --out " +
                    (work / "seeds" / ("s" + std::to_string(seed)) / "intro_tiny").string())
                .status == 0);
  const std::string seeded = "paper --intro " + config.string() + " --runs " + (work / "runs").string() +
                             " --thresholds " + thresholds + " --seed-runs " + (work / "seeds").string() +
                             " --seed-count 16 --json " + (work / "seeded.json").string() + " --seeded ";
  const Outcome two = run_cli(seeded + "intro:2");
  INFO(two.output);
  REQUIRE(two.status == 0);
  CHECK_THAT(file_bytes(work / "seeded.json"), Catch::Contains(" of 2\"") && !Catch::Contains(" of 16\""));
  for (const char* bad : {"intro:17", "intro:x", "intro:", "geometry:2"}) {
    const Outcome refused = run_cli(seeded + bad);
    CHECK(refused.status == 2);
    CHECK_THAT(refused.output, Catch::StartsWith("superpos: command line: --seeded " + std::string(bad)));
  }

  // A placeholder the renderer does not know: an error naming the template's line; nothing replaced.
  std::ofstream(template_path, std::ios::app) << "{{figures intro_panels}}\n";
  const Outcome bad = run_cli(paper);
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Catch::Contains("paper.md:6") && Catch::Contains("figures"));
  CHECK(file_bytes(work / "out" / "paper.md") == markdown);

  // The config changed after training: the sweep is stale, and the message names it.
  std::ofstream(config, std::ios::app) << "lr = 0.002\n";
  std::ofstream(template_path) << "{{claims intro}}\n";
  const Outcome stale = run_cli(paper);
  CHECK(stale.status == 2);
  CHECK_THAT(stale.output, Catch::Contains("intro_tiny: was trained from another version of") &&
                               Catch::Contains("stale sweep"));
  CHECK(file_bytes(work / "out" / "paper.md") == markdown);
}

TEST_CASE("superpos render refuses a run trained from another version of its config, and writes nothing",
          "[cli][stale]") {
  // The what-if suite checks this through make; here it runs in the C++ suite, so that the sanitizer
  // build exercises the renderer's checks too.
  namespace fs = std::filesystem;
  const fs::path dir = fresh_dir("stale");
  fs::create_directories(dir / "runs");
  const fs::path config = dir / "x.ini";
  std::ofstream(config) << "name = x\nactivation = relu\nsparsity = 0.9\nsteps = 50\nbatch = 32\n";
  REQUIRE(run_cli("train --config " + config.string() + " --out " + (dir / "runs" / "x").string()).status == 0);
  std::ofstream(config) << "name = x\nactivation = relu\nsparsity = 0.7\nsteps = 50\nbatch = 32\n";
  std::ofstream(dir / "template.md") << "sparsity {{config x sparsity}}\n";
  const fs::path out = dir / "report.md";
  const Outcome o = run_cli("render --template " + (dir / "template.md").string() + " --config " + config.string() +
                            " --runs " + (dir / "runs").string() + " --figures " + (dir / "figures").string() +
                            " --thresholds " SUPERPOS_SOURCE_DIR "/report/thresholds.ini --article "
                            SUPERPOS_SOURCE_DIR "/report/article_printed.json --out " + out.string());
  CHECK(o.status == 2);
  CHECK(o.output == "superpos: " + (dir / "runs" / "x").string() + ": was trained from another version of " +
                        config.string() + " (stale run; run `make report`)\n");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("A sweep with an instance deleted or its record edited is named by check-sweeps and refused by paper",
          "[cli][paper]") {
  namespace fs = std::filesystem;
  const fs::path work = fresh_dir("damaged_sweep");
  const fs::path config = work / "intro_tiny.ini";
  fs::create_directories(work / "runs");
  std::ofstream(config) << "name = intro_tiny\nactivation = relu\nfeatures = 5\nhidden = 2\nsteps = 20\nbatch = 32\n"
                           "instances = 0, 0.5, 0.9\n";
  const fs::path sweep = work / "runs" / "intro_tiny";
  REQUIRE(run_cli("train --config " + config.string() + " --out " + sweep.string()).status == 0);
  const std::string listing = (sweep / "instances.json").string();
  const std::string paper = "paper --intro " + config.string() + " --runs " + (work / "runs").string() +
                            " --thresholds " SUPERPOS_SOURCE_DIR "/report/thresholds.ini";
  CHECK(run_cli("check-sweeps " + listing) == Outcome{0, ""});
  REQUIRE(run_cli(paper).status == 0);

  SECTION("an edited record: every row of W set by hand") {
    std::string record = file_bytes(sweep / "i2" / "results.json");
    const auto weights = record.find("\"weights\"");
    REQUIRE(weights != std::string::npos);
    record.insert(record.find('[', weights) + 1, "[5.0, 0.0],");
    std::ofstream(sweep / "i2" / "results.json", std::ios::binary) << record;
    CHECK(run_cli("check-sweeps " + listing) == Outcome{0, listing + "\n"});
    const Outcome refused = run_cli(paper);
    CHECK(refused.status == 2);
    CHECK(refused.output == "superpos: " + (sweep / "i2").string() +
                                "/results.json: differs from the record instances.json keeps of it (edited or damaged; "
                                "run `make report`, which retrains the sweep)\n");
  }
  SECTION("a deleted instance folder") {
    fs::remove_all(sweep / "i1");
    CHECK(run_cli("check-sweeps " + listing) == Outcome{0, listing + "\n"});
    const Outcome refused = run_cli(paper);
    CHECK(refused.status == 2);
    CHECK_THAT(refused.output, Catch::Contains("i1/results.json: missing"));
  }
}
