#include <catch2/catch.hpp>

#include "claims/claim_names.hpp"
#include "claims/claims.hpp"
#include "claims/declared_claims.hpp"

using namespace superpos;

namespace {

// A run with hand-made W, bias and loss; the claims only read these and the config.
RunResults run(const std::string& name, Activation activation, double sparsity, std::vector<std::vector<float>> rows,
               std::vector<float> bias = {0, 0, 0, 0, 0}, double loss = 1.0) {
  RunResults r;
  r.config.name = name;
  r.config.train.activation = activation;
  r.config.train.sparsity = sparsity;
  r.model.activation = activation;
  r.model.weights = Weights(static_cast<Eigen::Index>(rows.size()), 2);
  for (std::size_t i = 0; i < rows.size(); ++i) r.model.weights.row(static_cast<Eigen::Index>(i)) << rows[i][0], rows[i][1];
  r.model.bias = Eigen::Map<Eigen::VectorXf>(bias.data(), static_cast<Eigen::Index>(bias.size()));
  r.loss_log = {{0, loss, 1e-3}};
  return r;
}

const Thresholds t;  // the defaults equal report/thresholds.ini

RunResults pca_like() {
  return run("lin", Activation::linear, 0.0, {{0.26f, 0.96f}, {0.96f, -0.26f}, {0.001f, 0}, {0, 0.002f}, {0.001f, 0.001f}});
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
  CHECK(check_kept_are_most_important(bad, t).verdict == Verdict::fails);
  CHECK(check_bias_interference_near_zero(bad, t).verdict == Verdict::fails);
}

TEST_CASE("ReLU/0.5 claims: two orthogonal lines, importance order, bias offsetting a shared direction", "[claims]") {
  // The article's printed W for ReLU/0.5 with a negative bias on feature 0.
  const RunResults good = run("r05", Activation::relu, 0.5,
                              {{-0.6713f, -0.7695f}, {0.7633f, -0.6665f}, {0.1703f, -0.1484f}, {-0.1165f, -0.1336f},
                               {0.0969f, -0.0838f}},
                              {-0.09f, -0.1f, 0, 0, 0});
  CHECK(check_all_features_represented(good, t).verdict == Verdict::holds);
  CHECK(check_norms_follow_importance(good, t).verdict == Verdict::holds);
  CHECK(check_two_orthogonal_lines(good, t).verdict == Verdict::holds);
  CHECK(check_bias_offsets_shared_direction(good, t).verdict == Verdict::holds);

  const RunResults bad = run("r05", Activation::relu, 0.5,
                             {{1, 0}, {0, 1}, {0.7f, 0.7f}, {0.01f, 0}, {-0.7f, 0.7f}}, {0.1f, 0.1f, 0, 0, 0});
  CHECK(check_all_features_represented(bad, t).verdict == Verdict::fails);
  CHECK(check_norms_follow_importance(bad, t).verdict == Verdict::fails);
  CHECK(check_two_orthogonal_lines(bad, t).verdict == Verdict::fails);
  CHECK(check_bias_offsets_shared_direction(bad, t).verdict == Verdict::fails);
}

TEST_CASE("ReLU/0.9 claims: distinct directions and negative interference clipped", "[claims]") {
  const RunResults good = run("r09", Activation::relu, 0.9,
                              {{1.0513f, -0.1186f}, {-0.5710f, -0.8611f}, {-0.3933f, 0.9017f}, {0.1577f, 0.0778f},
                               {-0.1415f, 0.1073f}},
                              {-0.45f, -0.44f, -0.4f, 0.02f, 0.02f});
  CHECK(check_distinct_directions(good, t).verdict == Verdict::holds);
  CHECK(check_negative_interference_clipped(good, t).verdict == Verdict::holds);

  RunResults bad = good;
  bad.model.weights.row(4) = bad.model.weights.row(2) * 0.2f;  // feature 4 now shares feature 2's direction
  bad.model.bias[2] = 0.1f;                                    // and feature 2's bias is positive
  CHECK(check_distinct_directions(bad, t).verdict == Verdict::fails);
  CHECK(check_negative_interference_clipped(bad, t).verdict == Verdict::fails);
}

TEST_CASE("Comparisons across sparsity levels hold and fail in the expected direction", "[claims]") {
  const RunResults orthogonal = run("a", Activation::relu, 0.5, {{1, 0}, {0, 1}, {-1, 0}, {0, -0.5f}, {0.5f, 0}}, {}, 1.5);
  const RunResults triangle = run("b", Activation::relu, 0.9,
                                  {{1, 0}, {-0.5f, 0.866f}, {-0.5f, -0.866f}, {0.2f, 0.1f}, {-0.1f, 0.2f}}, {}, 0.2);
  CHECK(check_less_orthogonal(orthogonal, triangle, t).verdict == Verdict::holds);
  CHECK(check_less_orthogonal(triangle, orthogonal, t).verdict == Verdict::fails);
  CHECK(check_lower_loss(orthogonal, triangle, t).verdict == Verdict::holds);
  CHECK(check_lower_loss(triangle, orthogonal, t).verdict == Verdict::fails);
  const RunResults two = pca_like();
  CHECK(check_more_features_when_sparser(two, triangle, t).verdict == Verdict::holds);
  CHECK(check_more_features_when_sparser(triangle, two, t).verdict == Verdict::fails);
}

TEST_CASE("Relative loss divides by the expected weighted input energy", "[claims]") {
  RunResults dense = run("a", Activation::relu, 0.5, {{1, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}}, {}, 1.0);
  RunResults sparse = run("b", Activation::relu, 0.9, {{1, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}}, {}, 0.3);
  dense.config.train.features = sparse.config.train.features = 5;
  // Energies: 0.5 * S and 0.1 * S, so 1.0 / 0.5S = 2/S < 0.3 / 0.1S = 3/S: the sparser is worse.
  CHECK(check_lower_relative_loss(dense, sparse, t).verdict == Verdict::fails);
  CHECK_FALSE(check_lower_relative_loss(dense, sparse, t).from_article);
  sparse.loss_log.back().loss = 0.1;
  CHECK(check_lower_relative_loss(dense, sparse, t).verdict == Verdict::holds);
}

TEST_CASE("Declared claims are evaluated on the run that declares them, whatever its parameters", "[claims]") {
  RunResults linear = pca_like();
  linear.config.train.features = 5;
  linear.config.claims = {"only_h_features", "kept_rows_orthogonal", "kept_are_most_important",
                          "bias_interference_near_zero"};
  linear.config.train.sparsity = 0.37;  // no longer the article's value: the claims stay attached
  const auto results = evaluate_declared_claims({linear}, t);
  REQUIRE(results.size() == 4);
  CHECK(results.front().id == "lin.only_h_features");
  CHECK(results.front().verdict == Verdict::holds);
}

TEST_CASE("A declared claim that cannot be evaluated is kept, with its reason", "[claims]") {
  RunResults small = run("tiny", Activation::relu, 0.9, {{1, 0}, {0, 1}}, {0, 0});
  small.config.train.features = 2;
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
  RunResults dense = run("a", Activation::relu, 0.5, {{1, 0}, {0, 1}, {0.5f, 0}, {0, 0.5f}, {0.2f, 0.2f}});
  RunResults sparse = run("b", Activation::relu, 0.9, {{1, 0}, {0, 1}, {0.5f, 0}, {0, 0.5f}, {0.2f, 0.2f}});
  dense.config.train.features = sparse.config.train.features = 5;
  for (std::string_view name : kRunClaimNames) sparse.config.claims.emplace_back(name);
  sparse.config.compare_with = "a";
  for (std::string_view name : kComparisonClaimNames) sparse.config.comparison_claims.emplace_back(name);
  const auto results = evaluate_declared_claims({dense, sparse}, t);
  CHECK(results.size() == std::size(kRunClaimNames) + std::size(kComparisonClaimNames));
  for (const ClaimResult& r : results) CHECK(r.verdict != Verdict::not_evaluated);
}
