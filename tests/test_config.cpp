#include <boost/program_options.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "io/config.hpp"
#include "train/notebook_trainer.hpp"

using namespace superpos;
namespace po = boost::program_options;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("superpos_test_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

po::variables_map overrides(std::vector<std::string> args = {}) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(run_config_options()).run(), vm);
  return vm;
}

std::string error_of(const std::string& path, const po::variables_map& vm = overrides()) {
  try {
    load_run_config(path, vm);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("A minimal config gets the article's defaults", "[config]") {
  const RunConfig c = load_run_config(write_temp("min.ini", "name = demo\n"), overrides());
  CHECK(c.name == "demo");
  CHECK(c.title == "demo");
  CHECK(c.train.features == 5);
  CHECK(c.train.hidden == 2);
  CHECK(c.train.steps == 10000);
  CHECK(c.train.batch == 1024);
  CHECK(c.train.lr == 1e-3);
  CHECK(c.train.seed == 42);
}

TEST_CASE("Command-line options override the file", "[config]") {
  const auto path = write_temp("over.ini", "name = demo\nsparsity = 0.5\nseed = 1\n");
  const RunConfig c = load_run_config(path, overrides({"--sparsity", "0.7", "--seed", "3"}));
  CHECK(c.train.sparsity == 0.7);
  CHECK(c.train.seed == 3);
}

TEST_CASE("Windows line endings and a UTF-8 byte-order mark simply work", "[config]") {
  const auto path = write_temp("crlf.ini", "\xEF\xBB\xBFname = demo\r\nactivation = relu\r\n");
  const RunConfig c = load_run_config(path, overrides());
  CHECK(c.name == "demo");
  CHECK(c.train.activation == Activation::relu);
}

TEST_CASE("Bad values are reported with file, line, key and value", "[config]") {
  const auto p = write_temp("bad.ini", "name = demo\n# comment\nsparsity = 1.5\n");
  CHECK(error_of(p) == p + ":3: key 'sparsity': value '1.5' is out of range (expected 0 <= sparsity < 1)");
  const auto q = write_temp("bad2.ini", "name = demo\nsteps = ten\n");
  CHECK(error_of(q) == q + ":2: key 'steps': value 'ten' is not a whole number (expected a whole number 1 <= steps <= 10000000)");
  const auto r = write_temp("bad3.ini", "name = demo\nlr = nan\n");
  CHECK(error_of(r) == r + ":2: key 'lr': value 'nan' is not finite (expected 0 < lr <= 1e6)");
  const auto s = write_temp("bad4.ini", "name = demo\nhidden = 5\n");
  CHECK(error_of(s) == s + ":2: key 'hidden': value '5' is not below features (5) (expected 1 <= hidden < features)");
  const auto t = write_temp("bad5.ini", "name = demo\nactivation = tanh\n");
  CHECK(error_of(t) == t + ":2: key 'activation': value 'tanh' is not a known activation (expected linear or relu)");
}

TEST_CASE("A bad override names the command line", "[config]") {
  const auto p = write_temp("ok.ini", "name = demo\n");
  CHECK(error_of(p, overrides({"--batch", "0"})) ==
        "command line: key 'batch': value '0' is out of range (expected a whole number 1 <= batch <= 1048576)");
}

TEST_CASE("Unknown, duplicate and missing keys are errors", "[config]") {
  const auto unknown = write_temp("unknown.ini", "name = demo\nsparsty = 0.5\n");
  CHECK(error_of(unknown) == unknown + ":2: unknown key 'sparsty' (known keys: see `superpos train --help`)");
  const auto duplicate = write_temp("dup.ini", "name = demo\nseed = 1\nseed = 2\n");
  CHECK(error_of(duplicate) == duplicate + ":3: key 'seed' is set more than once (first on line 2)");
  const auto missing = write_temp("missing.ini", "seed = 1\n");
  CHECK(error_of(missing) == missing + ": required key 'name' is missing");
}

TEST_CASE("Files that are not configurations are refused", "[config]") {
  CHECK(error_of("/nonexistent/x.ini") == "/nonexistent/x.ini: no such configuration file");
  const auto dir = std::filesystem::temp_directory_path().string();
  CHECK(error_of(dir) == dir + ": is a directory, not a configuration file");
  const auto binary = write_temp("binary.ini", std::string("name = a\0b\n", 11));
  CHECK(error_of(binary) == binary + ": is a binary file, not a configuration file");
}

TEST_CASE("The canonical text lists every resolved key in a fixed order", "[config]") {
  const RunConfig c = load_run_config(write_temp("canon.ini", "sparsity = 0.5\nname = demo\n"), overrides());
  const std::string text = canonical_text(c);
  CHECK(text.rfind("name = demo\ntitle = demo\nfeatures = 5\n", 0) == 0);
  CHECK(text.find("sparsity = 0.5\n") != std::string::npos);
}

TEST_CASE("instances: a list of sparsities or the Anthropic notebook's sweep", "[config]") {
  const auto list = load_run_config(write_temp("instances_list.ini", "name = s\ninstances = 0, 0.5, 0.9\n"), overrides());
  CHECK(list.instance_sparsities == std::vector<double>{0.0, 0.5, 0.9});
  CHECK_THAT(canonical_text(list), Catch::Contains("instances = 0, 0.5, 0.9\n"));

  // p = 20^-linspace(0, 1, 10), S = 1 - p: from 0 (every feature present) to 0.95.
  const auto sweep = load_run_config(write_temp("instances_sweep.ini", "name = s\ninstances = 1 - 20^-linspace(0, 1, 10)\n"),
                                     overrides());
  REQUIRE(sweep.instance_sparsities.size() == 10);
  CHECK(sweep.instance_sparsities.front() == 0.0);
  CHECK(sweep.instance_sparsities[1] == Approx(1.0 - std::pow(20.0, -1.0 / 9.0)));
  CHECK(sweep.instance_sparsities.back() == Approx(0.95));

  // A single model's canonical text (and so its hash) has no instances line.
  const auto single = load_run_config(write_temp("instances_none.ini", "name = s\n"), overrides());
  CHECK(single.instance_sparsities.empty());
  CHECK_THAT(canonical_text(single), !Catch::Contains("instances"));
}

TEST_CASE("Bad instances name the key and what is wrong", "[config]") {
  const std::pair<const char*, const char*> cases[] = {
      {"0, 1.5", "key 'instances': value '0, 1.5' gives sparsity 1.5, out of range"},
      {"0, x", "key 'instances': value '0, x' has 'x', which is not a number"},
      {"0,,0.5", "has '', which is not a number"},
      {"1 - 20^-linspace(0, 1, 1)", "has a count n out of range"},
      {"1 - 20^-linspace(0, 1)", "needs linspace(A, C, n)"},
      {"1 - 0.5^-linspace(0, 1, 4)", "has a base B not above 1"},
      {"1 - 20^linspace(0, 1, 4)", "is not a list or a sweep"},
  };
  for (const auto& [value, message] : cases) {
    INFO(value);
    CHECK_THAT(error_of(write_temp("instances_bad.ini", std::string("name = s\ninstances = ") + value + "\n")),
               Catch::Contains(message));
  }
}

TEST_CASE("The notebook's setting: each of its differences is a key, in the hash only when set", "[config]") {
  const auto article = load_run_config(write_temp("article_setting.ini", "name = s\ninstances = 0, 0.5\n"), overrides());
  CHECK(article.train.schedule == LrSchedule::cosine);
  CHECK(article.train.feature_loss == FeatureLoss::sum);
  CHECK_FALSE(article.shared_stream);
  for (const char* key : {"schedule", "feature_loss", "instance_stream"})
    CHECK_THAT(canonical_text(article), !Catch::Contains(key));

  const auto notebook = load_run_config(
      write_temp("notebook_setting.ini", "name = s\ninput = uniform\ninstances = 1 - 20^-linspace(0, 1, 10)\n"
                                         "instance_stream = shared\nschedule = constant\nfeature_loss = mean\n"),
      overrides());
  CHECK(notebook.train.schedule == LrSchedule::constant);
  CHECK(notebook.train.feature_loss == FeatureLoss::mean);
  CHECK(notebook.shared_stream);
  CHECK_THAT(canonical_text(notebook),
             Catch::EndsWith("schedule = constant\nfeature_loss = mean\ninstance_stream = shared\n"));
  // The mask compares torch's float32 20^-linspace, not 1 - S rounded.
  CHECK(notebook.instance_presence == sweep_presence(20.0, 0.0, 1.0, 10));
  // A list of sparsities gives 1 - S as the presence.
  const auto listed = load_run_config(write_temp("notebook_list.ini", "name = s\ninput = uniform\ninstances = 0, 0.75\n"
                                                                      "instance_stream = shared\n"),
                                      overrides());
  CHECK(listed.instance_presence == std::vector<float>{1.0f, 0.25f});
  // The loss weights: importance, divided by the number of features when the loss averages.
  CHECK(loss_weights(notebook.train)[1] == Approx(0.9 / 5));
  CHECK(loss_weights(article.train)[1] == Approx(0.9));
}

TEST_CASE("importance_decays: the sweep once per decay, instances numbered decay by decay", "[config]") {
  const auto grid = load_run_config(
      write_temp("decays.ini", "name = g\nfeatures = 2\nhidden = 1\ninstances = 0, 0.9\nimportance_decays = 10^linspace(-1, 1, 3)\n"),
      overrides());
  REQUIRE(grid.instance_decays.size() == 3);
  CHECK(grid.instance_decays[0] == Approx(0.1));
  CHECK(grid.instance_decays[1] == Approx(1.0));
  CHECK(grid.instance_decays[2] == Approx(10.0));
  CHECK(instance_count(grid) == 6);
  const RunConfig fifth = instance_config(grid, 5);  // decay 2, sparsity 1
  CHECK(fifth.name == "g.i5");
  CHECK(fifth.train.sparsity == 0.9);
  CHECK(fifth.train.importance_decay == Approx(10.0));
  CHECK(fifth.instance_decays.empty());
  CHECK(instance_config(grid, 2).train.sparsity == 0.0);
  CHECK(instance_config(grid, 2).train.importance_decay == Approx(1.0));
  CHECK_THAT(canonical_text(grid), Catch::EndsWith("importance_decays = 0.1, 1, 10\n"));
  // Without the key, one decay: the config's own, and no line in the hashed text.
  const auto plain = load_run_config(write_temp("no_decays.ini", "name = g\ninstances = 0, 0.9\n"), overrides());
  CHECK(instance_count(plain) == 2);
  CHECK(instance_config(plain, 1).train.importance_decay == plain.train.importance_decay);
  CHECK_THAT(canonical_text(plain), !Catch::Contains("importance_decays"));
}
