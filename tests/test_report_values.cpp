#include <catch2/catch.hpp>

#include "claims/declared_claims.hpp"
#include "report/report_values.hpp"

using namespace superpos;

namespace {

ReportContext context_with_one_run() {
  ReportContext c;
  RunResults run;
  run.config.name = "lin";
  run.config.train.features = 3;
  run.model.weights = Weights(3, 2);
  run.model.weights << 1, 0, 0, 1, 0, 0;
  run.model.bias = Eigen::VectorXf::Zero(3);
  run.loss_log = {{0, 0.5, 1e-3}};
  run.config_hash = run.trainer_hash = std::string(64, 'a');
  run.config.claims = {"bias_interference_near_zero"};
  run.evaluation.samples = 1;
  run.evaluation.explained_energy = Eigen::Vector3d(1, 1, 0);
  run.evaluation.expected_loss = 0.25;
  run.evaluation.input_energy = 1.0;
  c.runs.emplace("lin", run);
  c.run_order = {"lin"};
  c.claims = evaluate_declared_claims({run}, c.thresholds);
  c.article_printed = nlohmann::json::parse(R"({"lin": {"config": {"features": 3, "hidden": 2, "activation": "linear",
    "input": "normal", "sparsity": 0.0, "importance_decay": 0.9, "steps": 10000, "batch": 1024, "lr": 0.001, "weight_decay": 0.01,
    "seed": 42, "stream_offset": 0}, "weights": [[1, 0], [0, 1], [0, 0]]}})");
  return c;
}

}  // namespace

TEST_CASE("Numbers in the prose are computed from the run", "[report]") {
  const ReportContext c = context_with_one_run();
  CHECK(resolve_placeholder(c, {"num", "lin", "angle", "0", "1"}) == "90.00");
  CHECK(resolve_placeholder(c, {"num", "lin", "norm", "2"}) == "0.000");
  CHECK(resolve_placeholder(c, {"num", "lin", "loss"}) == "0.5000");
  CHECK_THROWS(resolve_placeholder(c, {"num", "lin", "norm", "7"}));
  CHECK_THROWS(resolve_placeholder(c, {"num", "nope", "loss"}));
}

TEST_CASE("Claim tables escape '|' so a measured value cannot split a cell", "[report]") {
  const std::string table = resolve_placeholder(context_with_one_run(), {"claims", "all"});
  CHECK(table.find("max\\|b\\|") != std::string::npos);
  CHECK(table.find("[holds]{.verdict-holds}") != std::string::npos);
}

TEST_CASE("Parameter values, descriptions and structure come from the run", "[report]") {
  ReportContext c = context_with_one_run();
  CHECK(resolve_placeholder(c, {"config", "lin", "sparsity"}) == "0");
  CHECK(resolve_placeholder(c, {"describe", "lin"}) == "linear model at sparsity 0 (3 features, 2 hidden dimensions)");
  CHECK(resolve_placeholder(c, {"norms", "lin"}) == "1.000, 1.000 and 0.000");
  CHECK(resolve_placeholder(c, {"lines", "lin"}) ==
        "Its 2 rows with a direction each lie on a line of their own. The angle between the lines is 90.00 degrees. "
        "Feature 2 has a row too short to have a direction (under 0.01 of the longest).");
  CHECK_THROWS_WITH(resolve_placeholder(c, {"config", "lin", "colour"}),
                    "unknown config key 'colour' (see `superpos train --help`)");
  CHECK_THROWS_WITH(resolve_placeholder(c, {"num", "lin", "norm", "x"}), "feature index 'x' is not a whole number");
}

TEST_CASE("Conditions follow claim verdicts, run presence and comparability with the article", "[report]") {
  ReportContext c = context_with_one_run();
  CHECK(resolve_condition(c, {"holds", "lin.bias_interference_near_zero"}));
  CHECK_FALSE(resolve_condition(c, {"fails", "lin.bias_interference_near_zero"}));
  CHECK(resolve_condition(c, {"run", "lin"}));
  CHECK_FALSE(resolve_condition(c, {"run", "lin", "other"}));
  CHECK(resolve_condition(c, {"comparable", "lin"}));
  CHECK_THROWS_WITH(resolve_condition(c, {"holds", "lin.nope"}), "no claim 'lin.nope' is declared by the report's configurations");
  c.runs.at("lin").config.train.sparsity = 0.7;
  CHECK_FALSE(resolve_condition(c, {"comparable", "lin"}));
  CHECK(article_differences(c, "lin") == std::vector<std::string>{"sparsity 0.7 (article: 0)"});
  CHECK(resolve_placeholder(c, {"reproduction"}).find("**not comparable**") != std::string::npos);

  // Two runs compared across sparsity: like for like only when nothing else differs (where in the
  // stream each starts is not a setting).
  c.runs.emplace("other", c.runs.at("lin"));
  c.runs.at("other").config.train.sparsity = 0.9;
  c.runs.at("other").config.train.stream_offset = 1234;
  CHECK(resolve_condition(c, {"same_except", "lin", "other", "sparsity"}));
  CHECK_THROWS_WITH(resolve_placeholder(c, {"differences", "lin", "other", "sparsity"}),
                    "'lin' and 'other' differ in nothing but sparsity");
  c.runs.at("other").config.train.importance_decay = 0.7;
  CHECK_FALSE(resolve_condition(c, {"same_except", "lin", "other", "sparsity"}));
  CHECK(resolve_placeholder(c, {"differences", "lin", "other", "sparsity"}) == "importance_decay 0.9 and 0.7");
  CHECK_FALSE(resolve_condition(c, {"same_except", "lin", "other", "importance_decay"}));
}
