// make status (status/build_status.hpp) on a run trained by this build and a copy of its sources:
// nothing when both are as built; the file named when a trainer source changes; the key with both
// values when the config changes; missing robustness seeds as one line.
#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

#include "io/build_info.hpp"
#include "io/child_process.hpp"
#include "status/build_status.hpp"

using namespace superpos;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("The source manifests this build embeds are its tree's, hashed as cmake hashes them", "[status]") {
  const fs::path src = fs::path(SUPERPOS_SOURCE_DIR) / "src";
  for (const SourcePart& part : source_parts()) {
    INFO("part " << part.name);
    const SourceManifest tree = manifest_of_tree(src, std::string(part.patterns));
    CHECK(tree.hash == part.hash);
    CHECK(parse_manifest(std::string(part.manifest)).hash == part.hash);
    CHECK(changed_files(parse_manifest(std::string(part.manifest)), tree).empty());
  }
}

TEST_CASE("make status names the changed trainer file, the changed key and the missing seeds", "[status]") {
  const fs::path work = fs::temp_directory_path() / ("superpos_status_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "manifests");
  fs::copy(fs::path(SUPERPOS_SOURCE_DIR) / "src", work / "src", fs::copy_options::recursive);
  for (const SourcePart& part : source_parts())
    write(work / "manifests" / (std::string(part.hash) + "." + std::string(part.name)), std::string(part.manifest));
  const fs::path config = work / "tiny.ini";
  write(config, "name = tiny\nsteps = 20\nbatch = 64\n");
  REQUIRE(run_child({SUPERPOS_CLI, "train", "--config", config.string(), "--out", (work / "runs" / "tiny").string(), "--quiet"}) == 0);

  StatusInput input;
  input.source = work / "src";
  input.manifests = work / "manifests";
  input.seeds = 1;
  RunTarget run;
  run.label = "tiny";
  run.dir = work / "runs" / "tiny";
  run.config = config.string();
  input.runs.push_back(run);
  CHECK(build_status(input).empty());

  std::ofstream(work / "src" / "train" / "trainer.cpp", std::ios::app) << "\n// an edit\n";
  CHECK(build_status(input) == std::vector<std::string>{"all runs: trainer code changed (src/train/trainer.cpp)"});

  write(config, "name = tiny\nsteps = 30\nbatch = 64\n");
  RunTarget seed = run;
  seed.label = "tiny seed 0";
  seed.dir = work / "seeds" / "s0" / "tiny";
  seed.seed = 0;
  seed.overrides = {{"seed", "0"}, {"stream_offset", "0"}};
  input.runs.push_back(seed);
  CHECK(build_status(input) == std::vector<std::string>{"all runs: trainer code changed (src/train/trainer.cpp)",
                                                        "seeds s0: not built yet (SEEDS=1)",
                                                        "tiny: config changed (steps 20 -> 30)"});
  fs::remove_all(work);
}
