#include <catch2/catch.hpp>

#include "analysis/feature_measures.hpp"
#include "claims/claim_names.hpp"
#include "claims/claims.hpp"
#include "claims/declared_claims.hpp"

using namespace superpos;

namespace {

// A run with hand-made W and bias, evaluated on a held-out sample as a trained run is: the
// claims read W, b, the config and what the model reconstructs.
RunResults run(const std::string& name, Activation activation, double sparsity, std::vector<std::vector<float>> rows,
               std::vector<float> bias = {}, InputDistribution input = InputDistribution::normal) {
  RunResults r;
  r.config.name = name;
  r.config.train.activation = activation;
  r.config.train.sparsity = sparsity;
  r.config.train.input = input;
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto h = static_cast<Eigen::Index>(rows[0].size());
  r.config.train.features = static_cast<int>(n);
  r.config.train.hidden = static_cast<int>(h);
  r.model.activation = activation;
  r.model.weights = Weights(n, h);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < h; ++k) r.model.weights(i, k) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
  bias.resize(static_cast<std::size_t>(n), 0.0f);
  r.model.bias = Eigen::Map<Eigen::VectorXf>(bias.data(), n);
  r.loss_log = {{0, 1.0, 1e-3}};
  r.evaluation = evaluate_held_out(r.model, r.config.train, 1 << 15);
  return r;
}

const Thresholds t;  // the defaults equal report/thresholds.ini

RunResults pca_like() {
  return run("lin", Activation::linear, 0.0, {{0.26f, 0.96f}, {0.96f, -0.26f}, {0.001f, 0}, {0, 0.002f}, {0.001f, 0.001f}});
}

// The shape of the article's ReLU/0.5 model: two lines, the first feature on each long, the others
// short rows on the same lines (one of them pointing the other way).
RunResults shared_lines(float bias_of_first = -0.1f) {
  return run("r05", Activation::relu, 0.5, {{1, 0}, {0, 1}, {0, 0.2f}, {-0.2f, 0}, {0, -0.15f}},
             {bias_of_first, bias_of_first, 0, 0, 0});
}

// The shape of the article's ReLU/0.9 model: a triangle of long rows and two short rows of their own.
RunResults triangle_and_two_short(float bias_of_third = -0.4f) {
  return run("r09", Activation::relu, 0.9,
             {{1, 0}, {-0.5f, 0.866f}, {-0.5f, -0.866f}, {0.1f, 0.17f}, {-0.17f, 0.1f}},
             {-0.2f, -0.2f, bias_of_third, -0.05f, -0.05f});
}

RunResults flipped(RunResults r, Eigen::Index row) {
  r.model.weights.row(row) *= -1.0f;
  r.evaluation = evaluate_held_out(r.model, r.config.train, 1 << 15);
  return r;
}

}  // namespace

TEST_CASE("The linear claims hold for a PCA-like W and fail for a superposed one", "[claims]") {
  const RunResults good = pca_like();
  CHECK(check_only_h_features(good, t).verdict == Verdict::holds);
  CHECK(check_kept_rows_orthogonal(good, t).verdict == Verdict::holds);
  CHECK(check_kept_are_most_important(good, t).verdict == Verdict::holds);
  CHECK(check_bias_interference_near_zero(good, t).verdict == Verdict::holds);

  const RunResults bad = run("lin", Activation::linear, 0.0,
                             {{1, 0}, {0.5f, 0.8f}, {0.3f, 0}, {0, 0.002f}, {0.001f, 0.001f}}, {0.2f, 0, 0, 0, 0});
  CHECK(check_only_h_features(bad, t).verdict == Verdict::fails);
  CHECK(check_kept_rows_orthogonal(bad, t).verdict == Verdict::fails);
  CHECK(check_bias_interference_near_zero(bad, t).verdict == Verdict::fails);
  // The two kept features are the less important ones.
  const RunResults wrong_pair = run("lin", Activation::linear, 0.0, {{0.001f, 0}, {0, 0.001f}, {1, 0}, {0, 1}, {0, 0}});
  CHECK(check_kept_are_most_important(wrong_pair, t).verdict == Verdict::fails);
  CHECK(check_only_h_features(wrong_pair, t).verdict == Verdict::holds);
}

TEST_CASE("Short rows on another feature's line are not represented, whatever their norm", "[claims]") {
  const RunResults r = shared_lines();
  CHECK(represented(r, t) == std::vector<int>{0, 1});
  CHECK(check_all_features_represented(r, t).verdict == Verdict::fails);
  CHECK(check_two_orthogonal_lines(r, t).verdict == Verdict::holds);
  CHECK(check_bias_offsets_shared_direction(r, t).verdict == Verdict::holds);
  CHECK(check_norms_follow_importance(r, t).verdict == Verdict::holds);
  CHECK(check_bias_offsets_shared_direction(shared_lines(0.1f), t).verdict == Verdict::fails);

  // Three features on their own axes of a 3-dimensional model are all represented.
  const RunResults axes = run("axes", Activation::relu, 0.5, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  CHECK(check_all_features_represented(axes, t).verdict == Verdict::holds);
  CHECK(check_distinct_directions(axes, t).verdict == Verdict::holds);
}

TEST_CASE("Norm ordering tolerates differences below the printed precision, not above", "[claims]") {
  const RunResults close = run("n", Activation::relu, 0.5, {{1, 0}, {0, 1.005f}, {0, 0.2f}, {-0.2f, 0}, {0, -0.15f}});
  CHECK(check_norms_follow_importance(close, t).verdict == Verdict::holds);
  const RunResults rising = run("n", Activation::relu, 0.5, {{1, 0}, {0, 1.05f}, {0, 0.2f}, {-0.2f, 0}, {0, -0.15f}});
  CHECK(check_norms_follow_importance(rising, t).verdict == Verdict::fails);
}

TEST_CASE("A triangle of represented features with two short rows is not five distinct features", "[claims]") {
  const RunResults r = triangle_and_two_short();
  CHECK(represented(r, t) == std::vector<int>{0, 1, 2});
  CHECK(check_distinct_directions(r, t).verdict == Verdict::fails);
  CHECK(check_negative_interference_clipped(r, t).verdict == Verdict::holds);
  CHECK(check_negative_interference_clipped(triangle_and_two_short(0.1f), t).verdict == Verdict::fails);
}

TEST_CASE("Comparisons across sparsity levels hold and fail in the expected direction", "[claims]") {
  const RunResults lines = shared_lines(), triangle = triangle_and_two_short();
  CHECK(check_less_orthogonal(lines, triangle, t).verdict == Verdict::holds);
  CHECK(check_less_orthogonal(triangle, lines, t).verdict == Verdict::fails);
  CHECK(check_more_features_when_sparser(lines, triangle, t).verdict == Verdict::holds);
  CHECK(check_more_features_when_sparser(triangle, lines, t).verdict == Verdict::fails);
  CHECK(check_more_features_when_sparser(lines, lines, t).verdict == Verdict::fails);  // equal is not more
  CHECK(check_more_directions_when_sparser(lines, triangle, t).verdict == Verdict::holds);
  CHECK(check_more_directions_when_sparser(triangle, lines, t).verdict == Verdict::fails);
}

TEST_CASE("Relative loss compares held-out loss with input energy, beyond Monte Carlo error", "[claims]") {
  RunResults dense = shared_lines(), sparse = triangle_and_two_short();
  dense.evaluation.expected_loss = 1.0;
  dense.evaluation.input_energy = 2.0;  // relative 0.5
  sparse.evaluation.expected_loss = 0.3;
  sparse.evaluation.input_energy = 0.5;  // relative 0.6: the sparser is worse
  dense.evaluation.expected_loss_error = sparse.evaluation.expected_loss_error = 0.001;
  CHECK(check_lower_relative_loss(dense, sparse, t).verdict == Verdict::fails);
  CHECK_FALSE(check_lower_relative_loss(dense, sparse, t).from_article);
  sparse.evaluation.expected_loss = 0.2;  // relative 0.4
  CHECK(check_lower_relative_loss(dense, sparse, t).verdict == Verdict::holds);
  sparse.evaluation.expected_loss_error = 0.05;  // 0.4 +/- 0.1: within noise of 0.5
  CHECK(check_lower_relative_loss(dense, sparse, t).verdict == Verdict::fails);
}

TEST_CASE("Flipping the sign of any one row changes no claim's verdict", "[claims]") {
  const std::vector<RunResults> runs = {pca_like(), shared_lines(), triangle_and_two_short()};
  for (const RunResults& r : runs)
    for (Eigen::Index row = 0; row < r.model.weights.rows(); ++row) {
      const RunResults f = flipped(r, row);
      INFO(r.config.name << " row " << row);
      for (auto check : {check_only_h_features, check_kept_rows_orthogonal, check_kept_are_most_important,
                         check_bias_interference_near_zero, check_all_features_represented,
                         check_norms_follow_importance, check_two_orthogonal_lines,
                         check_bias_offsets_shared_direction, check_distinct_directions,
                         check_negative_interference_clipped})
        CHECK(check(f, t).verdict == check(r, t).verdict);
      for (auto check : {check_less_orthogonal, check_more_features_when_sparser, check_more_directions_when_sparser})
        for (const RunResults& other : runs) {
          CHECK(check(other, f, t).verdict == check(other, r, t).verdict);
          CHECK(check(f, other, t).verdict == check(r, other, t).verdict);
        }
    }
}

TEST_CASE("Declared claims are evaluated on the run that declares them, whatever its parameters", "[claims]") {
  RunResults linear = pca_like();
  linear.config.claims = {"only_h_features", "kept_rows_orthogonal", "kept_are_most_important",
                          "bias_interference_near_zero"};
  linear.config.train.sparsity = 0.37;  // no longer the article's value: the claims stay attached
  const auto results = evaluate_declared_claims({linear}, t);
  REQUIRE(results.size() == 4);
  CHECK(results.front().id == "lin.only_h_features");
  CHECK(results.front().verdict == Verdict::holds);
}

TEST_CASE("A declared claim that cannot be evaluated is kept, with its reason", "[claims]") {
  RunResults small = run("tiny", Activation::relu, 0.9, {{1, 0}, {0, 1}});
  small.config.claims = {"negative_interference_clipped"};
  small.config.compare_with = "gone";
  small.config.comparison_claims = {"less_orthogonal"};
  const auto results = evaluate_declared_claims({small}, t);
  REQUIRE(results.size() == 2);
  CHECK(results[0].id == "tiny.negative_interference_clipped");
  CHECK(results[0].verdict == Verdict::not_evaluated);
  CHECK(results[0].measured == "needs at least 3 features; this run has 2");
  CHECK(results[1].id == "gone_vs_tiny.less_orthogonal");
  CHECK(results[1].verdict == Verdict::not_evaluated);
  CHECK(results[1].measured == "no configuration named 'gone' in this report (compare_with of tiny)");
}

TEST_CASE("Every claim name a config may declare has a check", "[claims]") {
  RunResults dense = shared_lines();
  dense.config.name = "a";
  RunResults sparse = triangle_and_two_short();
  sparse.config.name = "b";
  for (std::string_view name : kRunClaimNames) sparse.config.claims.emplace_back(name);
  sparse.config.compare_with = "a";
  for (std::string_view name : kComparisonClaimNames) sparse.config.comparison_claims.emplace_back(name);
  const auto results = evaluate_declared_claims({dense, sparse}, t);
  CHECK(results.size() == std::size(kRunClaimNames) + std::size(kComparisonClaimNames));
  for (const ClaimResult& r : results) CHECK(r.verdict != Verdict::not_evaluated);
}
