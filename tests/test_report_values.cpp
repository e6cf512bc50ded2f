#include <catch2/catch.hpp>

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
  c.runs.emplace("lin", run);
  c.claims = evaluate_claims({run}, c.thresholds);
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
