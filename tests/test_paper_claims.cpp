// The paper's claims (paper/paper_claims.hpp) on hand-made sweeps: each holds on a sweep built to
// show the paper's picture and fails on one built to break it, and the readings behind them are
// checked on values worked out by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <set>

#include "paper/computation_readings.hpp"
#include "paper/paper_claims.hpp"
#include "paper/paper_figures.hpp"
#include "paper/paper_report.hpp"

using namespace superpos;

namespace {

const Thresholds t;  // the defaults equal report/thresholds.ini

// A sweep of hand-made W's: one instance per (sparsity, W), all of one importance decay.
SweepResults sweep_of(const std::vector<std::pair<double, Weights>>& instances, double decay = 0.9) {
  SweepResults sweep;
  sweep.config.name = "handmade";
  sweep.config.train.features = static_cast<int>(instances.front().second.rows());
  sweep.config.train.hidden = static_cast<int>(instances.front().second.cols());
  sweep.config.train.importance_decay = decay;
  for (const auto& [sparsity, w] : instances) {
    SweepInstance i;
    i.sparsity = sparsity;
    i.importance_decay = decay;
    i.run.config = sweep.config;
    i.run.config.train.sparsity = sparsity;
    i.run.model.weights = w;
    i.run.model.bias = Eigen::VectorXf::Zero(w.rows());
    sweep.config.instance_sparsities.push_back(sparsity);
    sweep.instances.push_back(i);
  }
  return sweep;
}

Weights rows(int n, int h, std::initializer_list<float> values) {
  Weights w(n, h);
  auto it = values.begin();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < h; ++j) w(i, j) = *it++;
  return w;
}

// k unit rows at equal angles in the plane, then n - k zero rows.
Weights polygon(int n, int k) {
  Weights w = Weights::Zero(n, 2);
  for (int i = 0; i < k; ++i) {
    const double angle = 2.0 * std::numbers::pi * i / k;
    w(i, 0) = static_cast<float>(std::cos(angle));
    w(i, 1) = static_cast<float>(std::sin(angle));
  }
  return w;
}

// 2 rows whose dimensions per feature m / ||W||_F^2 (m = 2) is `dims`.
Weights with_dims(double dims) {
  Weights w = Weights::Zero(2, 2);
  w(0, 0) = w(1, 1) = static_cast<float>(std::sqrt(1.0 / dims));
  return w;
}

// A sweep whose dimensions per feature follow `curve` of u = ln(1/(1-S)) at n points of u from 0 to
// ln 20 (the notebook's geometry grid is such a grid at n = 20).
template <class Curve>
SweepResults curve_sweep(int n, Curve curve) {
  std::vector<std::pair<double, Weights>> instances;
  for (int k = 0; k < n; ++k) {
    const double u = std::log(20.0) * k / (n - 1);
    instances.emplace_back(1.0 - std::exp(-u), with_dims(curve(u)));
  }
  return sweep_of(instances, 1.0);
}

// From 1 down to about 0.14 over u in [0, ln 20]: one falls steadily, the other flattens at 1/2 for a
// stretch (about u = 0.75 to 1.4, as the paper's figure and our 10,000-step sweep show).
double steady_fall(double u) { return 1.0 - 0.86 * u / std::log(20.0); }
double flat_at_half(double u) {
  const auto step_down = [](double at, double v) { return 1.0 / (1.0 + std::exp(8.0 * (v - at))); };
  return 0.14 + 0.5 * step_down(0.5, u) + 0.36 * step_down(1.8, u);
}

// The log width of the longest stretch of a sweep's dimensions per feature within 1/2 +- 1/30.
double longest_plateau_of(const SweepResults& sweep) { return half_plateau(dimensions_curve(sweep), t).log_width(); }

Weights pca(int n, int h) {
  Weights w = Weights::Zero(n, h);
  for (int i = 0; i < h; ++i) w(i, i) = 1.0f;
  return w;
}

}  // namespace

TEST_CASE("Kendall's tau counts ordered pairs; ties count as neither", "[paper]") {
  CHECK(kendall_tau({1, 2, 3, 4}, {10, 20, 30, 40}) == 1.0);
  CHECK(kendall_tau({1, 2, 3, 4}, {4, 3, 2, 1}) == -1.0);
  // Pairs: (1,2)+ (1,3)+ (1,4)+ (2,3)- (2,4)+ (3,4)+ -> (5 - 1) / 6.
  CHECK(kendall_tau({1, 2, 3, 4}, {1, 3, 2, 4}) == Approx(4.0 / 6.0));
  CHECK(kendall_tau({1, 2, 3}, {5, 5, 5}) == 0.0);
  CHECK_THROWS(kendall_tau({1}, {1}));
}

TEST_CASE("Readings: superposition, dimensionalities, the fractions' even share", "[paper]") {
  // A digon and an orthogonal feature: the pair each has superposition 1, the third 0.
  const Weights w = rows(3, 2, {1, 0, -1, 0, 0, 1});
  CHECK(mean_superposition(w, 0.5) == Approx(2.0 / 3.0));
  CHECK(represented_dimensionalities(w, 0.5) == std::vector<double>{0.5, 0.5, 1.0});
  // A short row is not represented and does not count.
  CHECK(represented_rows(rows(3, 1, {1, 0.2f, 0.7f}), 0.5) == std::vector<int>{0, 2});
  // Bands of half-width 0.05 around 0.5 and 1 over [0, 1]: 0.1 + 0.05.
  CHECK(even_share_near({0.5, 1.0}, 0.05, 0.0) == Approx(0.15));
  // Overlapping bands are counted once.
  CHECK(even_share_near({0.5, 0.55}, 0.05, 0.0) == Approx(0.15));
}

TEST_CASE("Introduction: PCA when dense, everything when sparse, antipodal pairs between", "[paper]") {
  const SweepResults paper_like = sweep_of({{0.0, pca(5, 2)},
                                            {0.5, rows(5, 2, {1, 0, -1, 0, 0, 1, 0, -1, 0, 0})},
                                            {0.9, polygon(5, 5)}});
  CHECK(check_intro_densest_two_orthogonal(paper_like, t).verdict == Verdict::holds);
  CHECK(check_intro_sparsest_all_represented(paper_like, t).verdict == Verdict::holds);
  const ClaimResult antipodal = check_intro_antipodal_in_between(paper_like, t);
  CHECK(antipodal.verdict == Verdict::holds);
  CHECK_THAT(antipodal.measured, Catch::Contains("0–1") && Catch::Contains("2–3"));

  // Dense rows at 60 degrees, a sparse model missing a feature, and no pair in between: each fails.
  const Weights skewed = rows(5, 2, {1, 0, 0.5f, 0.866f, 0, 0, 0, 0, 0, 0});
  const SweepResults broken = sweep_of({{0.0, skewed}, {0.5, polygon(5, 3)}, {0.9, polygon(5, 4)}});
  CHECK(check_intro_densest_two_orthogonal(broken, t).verdict == Verdict::fails);
  CHECK(check_intro_sparsest_all_represented(broken, t).verdict == Verdict::fails);
  CHECK(check_intro_antipodal_in_between(broken, t).verdict == Verdict::fails);
  // The densest and the sparsest do not count as "in between": a pair only there fails.
  const SweepResults ends_only = sweep_of({{0.0, polygon(5, 4)}, {0.5, polygon(5, 3)}, {0.9, polygon(5, 4)}});
  CHECK(check_intro_antipodal_in_between(ends_only, t).verdict == Verdict::fails);
}

TEST_CASE("Many features: the linear picture, and growth with sparsity", "[paper]") {
  const SweepResults linear = sweep_of({{0.0, pca(6, 2)}, {0.9, pca(6, 2)}}, 0.7);
  CHECK(check_many_linear_keeps_h(linear, t).verdict == Verdict::holds);
  CHECK(check_many_relu_dense_like_linear(linear, t).verdict == Verdict::holds);
  // Keeping a less important feature, or overlapping rows, breaks it.
  Weights wrong_feature = Weights::Zero(6, 2);
  wrong_feature(0, 0) = 1.0f;
  wrong_feature(3, 1) = 1.0f;
  CHECK(check_many_linear_keeps_h(sweep_of({{0.0, pca(6, 2)}, {0.9, wrong_feature}}, 0.7), t).verdict == Verdict::fails);
  const Weights overlapping = rows(6, 2, {1, 0, 0.8f, 0.6f, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(check_many_relu_dense_like_linear(sweep_of({{0.0, overlapping}}, 0.7), t).verdict == Verdict::fails);

  // More features and more superposition as sparsity grows: 2, then 3 (a triangle), then 6.
  const SweepResults growing = sweep_of({{0.0, pca(6, 2)}, {0.5, polygon(6, 3)}, {0.9, polygon(6, 6)}}, 0.7);
  CHECK(check_many_relu_more_features(growing, t).verdict == Verdict::holds);
  CHECK(check_many_relu_more_superposition(growing, t).verdict == Verdict::holds);
  const SweepResults shrinking = sweep_of({{0.0, polygon(6, 6)}, {0.5, polygon(6, 3)}, {0.9, pca(6, 2)}}, 0.7);
  CHECK(check_many_relu_more_features(shrinking, t).verdict == Verdict::fails);
  CHECK(check_many_relu_more_superposition(shrinking, t).verdict == Verdict::fails);
}

namespace {

// A 2 -> 1 grid: phase(sparsity index, importance index) -> W.
SweepResults phase_grid(const std::vector<double>& sparsities, const std::vector<double>& importances,
                        const std::function<Weights(std::size_t, std::size_t)>& w) {
  SweepResults sweep;
  sweep.config.name = "grid";
  sweep.config.train.features = 2;
  sweep.config.train.hidden = 1;
  sweep.config.instance_sparsities = sparsities;
  sweep.config.instance_decays = importances;
  for (std::size_t d = 0; d < importances.size(); ++d)
    for (std::size_t s = 0; s < sparsities.size(); ++s) {
      SweepInstance i;
      i.sparsity = sparsities[s];
      i.importance_decay = importances[d];
      i.run.model.weights = w(s, d);
      sweep.instances.push_back(i);
    }
  return sweep;
}

Weights two_rows(float a, float b) { return rows(2, 1, {a, b}); }

}  // namespace

TEST_CASE("Phase change: three phases, superposition only when sparse, boundary near 1", "[paper]") {
  const std::vector<double> s = {0.0, 0.5, 0.9}, r = {0.25, 0.5, 1.0, 2.0, 4.0, 8.0};
  // The paper's diagram: below r = 1 feature 2 is dropped, above it takes the dimension, and at
  // the sparsest column both share it.
  const SweepResults paper_like = phase_grid(s, r, [&](std::size_t si, std::size_t ri) {
    if (si == 2) return two_rows(1, -1);
    return r[ri] < 1 ? two_rows(1, 0) : two_rows(0, 1);
  });
  CHECK(check_phase_all_three(paper_like, t).verdict == Verdict::holds);
  CHECK(check_phase_superposition_needs_sparsity(paper_like, t).verdict == Verdict::holds);
  const ClaimResult boundary = check_phase_boundary_near_one(paper_like, t);
  CHECK(boundary.verdict == Verdict::holds);
  CHECK_THAT(boundary.measured, Catch::Contains("boundary ≈ 0.707, 0.50 grid steps"));

  // Superposition already at S = 0 fails the second; a boundary at r = 5.7 (between 4 and 8,
  // 2.5 grid steps of x2 from 1) fails the third; no "takes the dimension" cell fails the first.
  const SweepResults dense_superposition = phase_grid(s, r, [&](std::size_t, std::size_t ri) {
    return ri == 0 ? two_rows(1, 0) : ri == 5 ? two_rows(0, 1) : two_rows(1, -1);
  });
  CHECK(check_phase_superposition_needs_sparsity(dense_superposition, t).verdict == Verdict::fails);
  const SweepResults shifted = phase_grid(s, r, [&](std::size_t si, std::size_t ri) {
    if (si == 2) return two_rows(1, -1);
    return r[ri] < 5 ? two_rows(1, 0) : two_rows(0, 1);
  });
  CHECK(check_phase_boundary_near_one(shifted, t).verdict == Verdict::fails);
  CHECK(check_phase_all_three(phase_grid(s, r, [](std::size_t si, std::size_t) {
          return si == 2 ? two_rows(1, -1) : two_rows(1, 0);
        }), t).verdict == Verdict::fails);
  // Phases that interleave along r at S = 0 have no single boundary.
  const SweepResults interleaved = phase_grid(s, r, [&](std::size_t si, std::size_t ri) {
    if (si == 2) return two_rows(1, -1);
    return ri % 2 == 0 ? two_rows(1, 0) : two_rows(0, 1);
  });
  CHECK(check_phase_boundary_near_one(interleaved, t).verdict == Verdict::fails);
  // A cell in none of the phases (both rows long, same sign) is counted, not forced into one.
  const auto cells = phase_cells(phase_grid({0.0}, {1.0}, [](std::size_t, std::size_t) { return two_rows(1, 1); }), 0.5);
  REQUIRE(cells.size() == 1);
  CHECK_FALSE(cells[0].phase.has_value());
}

TEST_CASE("Geometry: dimensions per feature fall and stick at 1/2; D_i sticks at the fractions", "[paper]") {
  // 2 rows (1), 4 rows (1/2) three times, then 5 (2/5), 6 (1/3): falls, and a plateau of three.
  const SweepResults plateau = sweep_of({{0.0, polygon(2, 2)}, {0.2, polygon(4, 4)}, {0.4, polygon(4, 4)},
                                         {0.6, polygon(4, 4)}, {0.8, polygon(5, 5)}, {0.9, polygon(6, 6)}}, 1.0);
  CHECK(check_geometry_dimensions_fall(plateau, t).verdict == Verdict::holds);
  CHECK(check_geometry_sticks_at_half(plateau, t).verdict == Verdict::holds);
  // Falling at one rate through 1/2 is not a plateau, and rising fails the fall.
  CHECK(check_geometry_sticks_at_half(curve_sweep(20, steady_fall), t).verdict == Verdict::fails);
  const SweepResults rising = sweep_of({{0.0, polygon(6, 6)}, {0.5, polygon(4, 4)}, {0.9, polygon(2, 2)}}, 1.0);
  CHECK(check_geometry_dimensions_fall(rising, t).verdict == Verdict::fails);

  // Regular polygons put every D_i on a fraction (1/2, 2/5, 1/3): holds. Rows at 0, 40 and 100
  // degrees give D_i near 0.6, 0.54 and 0.68: near none but 2/3, so under half: fails.
  CHECK(check_geometry_fractions_sticky(plateau, t).verdict == Verdict::holds);
  const auto at = [](double degrees) {
    const double a = degrees * std::numbers::pi / 180.0;
    return std::pair<float, float>{static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a))};
  };
  const auto [a0, b0] = at(0);
  const auto [a1, b1] = at(40);
  const auto [a2, b2] = at(100);
  const Weights uneven = rows(3, 2, {a0, b0, a1, b1, a2, b2});
  const auto d = represented_dimensionalities(uneven, 0.5);
  INFO(d[0] << " " << d[1] << " " << d[2]);
  CHECK(check_geometry_fractions_sticky(sweep_of({{0.5, uneven}}, 1.0), t).verdict == Verdict::fails);
}

TEST_CASE("A plateau is a width in 1/(1-S), read between grid points", "[paper]") {
  // Through (ln x, y): 0.6 at x = 1, 0.5 at e, 0.5 at e^2, 0.3 at e^3; band 0.5 +- 0.05. The curve
  // enters at half of the first segment (y = 0.55) and leaves at a quarter of the last (0.45).
  const double e = std::exp(1.0);
  const Plateau p = longest_plateau({1.0, e, e * e, e * e * e}, {0.6, 0.5, 0.5, 0.3}, 0.5, 0.05);
  CHECK(p.from == Approx(std::exp(0.5)));
  CHECK(p.to == Approx(std::exp(2.25)));
  CHECK(p.grid_points == 2);
  CHECK(p.log_width() == Approx(1.75));
  // Two stretches: the longer one wins; none: empty.
  const Plateau two = longest_plateau({1, 2, 3, 4, 5, 6}, {0.5, 0.9, 0.5, 0.5, 0.5, 0.9}, 0.5, 0.01);
  CHECK(two.grid_points == 3);
  CHECK(two.from == Approx(2.0 + 0.975).epsilon(0.02));
  CHECK(longest_plateau({1, 2}, {0.9, 0.8}, 0.5, 0.05).grid_points == 0);
  CHECK(longest_plateau({1, 2}, {0.9, 0.8}, 0.5, 0.05).log_width() == 0.0);
  CHECK_THROWS(longest_plateau({2, 1}, {0.5, 0.5}, 0.5, 0.05));
}

TEST_CASE("Geometry: the plateau's verdict and width do not depend on the grid's spacing", "[paper]") {
  // The old reading (3 grid points in a row in the band) failed on one grid and held on a denser one
  // (issue #25). Read as a width, a curve with a plateau holds on 10, 20, 39 and 400 points, a steady
  // fall fails on all of them, and from 20 points on the width moves by under a tenth.
  const double dense = longest_plateau_of(curve_sweep(400, flat_at_half));
  for (int n : {10, 20, 39, 400}) {
    INFO(n << " grid points");
    CHECK(check_geometry_sticks_at_half(curve_sweep(n, flat_at_half), t).verdict == Verdict::holds);
    CHECK(check_geometry_sticks_at_half(curve_sweep(n, steady_fall), t).verdict == Verdict::fails);
    // At 10 points (a step of x1.39 in 1/(1-S)) the stretch is cut to 0.52 of 0.69: the verdict
    // stands, the width is resolved from the notebook's 20 points (x1.17) on.
    if (n >= 20) CHECK(longest_plateau_of(curve_sweep(n, flat_at_half)) == Approx(dense).epsilon(0.1));
  }
}

TEST_CASE("A claim that holds on its seed but on under 3/4 of the robustness seeds is fragile", "[paper]") {
  PaperContext c;
  c.robust_share = 0.75;
  ClaimResult claim;
  claim.id = "intro.sparsest_all_represented";
  claim.statement = "The sparsest model represents every feature";
  claim.verdict = Verdict::holds;
  c.claims = {claim};
  // 11 of 16 (the count issue #25 found for this claim) is under 3/4: fragile, in the verdict
  // claims.json shows, the badge, and the prose's caveat.
  c.robust[claim.id] = {11, 16};
  CHECK(is_fragile(c, claim));
  CHECK(shown_verdict(c, claim) == "fragile");
  const std::string filled = fill_paper("{{verdict intro.sparsest_all_represented}}|{{caveat intro.sparsest_all_represented}}|"
                                        "{{if fragile intro.sparsest_all_represented}}F{{else}}R{{end}}",
                                        "t.md", c);
  CHECK(filled == "[fragile]{.verdict-fragile}| On the robustness seeds this holds on only 11 of 16, so the reading is "
                  "fragile.|F");
  // 12 of 16 is 3/4: robust. No robustness seeds: the seed's own verdict. A failing claim is never
  // fragile, whatever the seeds say.
  c.robust[claim.id] = {12, 16};
  CHECK_FALSE(is_fragile(c, claim));
  CHECK(shown_verdict(c, claim) == "holds");
  CHECK(fill_paper("{{caveat intro.sparsest_all_represented}}", "t.md", c).empty());
  c.robust.clear();
  CHECK(shown_verdict(c, claim) == "holds");
  claim.verdict = Verdict::fails;
  c.robust[claim.id] = {1, 16};
  CHECK(shown_verdict(c, claim) == "fails");
}

namespace {

// A 2 -> 1 grid over (1/(1-S), relative importance) in the notebook's setting, each cell's model
// given by `model(p, c)` (p = 1 - S, c the loss weights).
SweepResults theory_grid(const std::vector<double>& inverse_densities, const std::vector<double>& importances,
                         const std::function<TwoByOne(double, std::array<double, 2>)>& model) {
  SweepResults sweep;
  sweep.config.name = "grid";
  sweep.config.train.features = 2;
  sweep.config.train.hidden = 1;
  sweep.config.train.feature_loss = FeatureLoss::mean;
  sweep.config.instance_decays = importances;
  for (double x : inverse_densities) sweep.config.instance_sparsities.push_back(1.0 - 1.0 / x);
  for (double r : importances)
    for (double x : inverse_densities) {
      SweepInstance i;
      i.sparsity = 1.0 - 1.0 / x;
      i.importance_decay = r;
      i.run.config = sweep.config;
      i.run.config.train.importance_decay = r;
      const TwoByOne m = model(1.0 / x, {0.5, 0.5 * r});
      i.run.model.weights = rows(2, 1, {static_cast<float>(m.w1), static_cast<float>(m.w2)});
      i.run.model.bias = Eigen::Vector2f(static_cast<float>(m.b1), static_cast<float>(m.b2));
      sweep.instances.push_back(i);
    }
  return sweep;
}

// The best of the three candidates at p with loss weights c, as a model.
TwoByOne best_candidate(double p, std::array<double, 2> c) {
  const CandidateLosses candidates = candidate_losses(p, c);
  switch (candidates.best()) {
    case SecondFeaturePhase::not_represented: return {1.0, 0.0, 0.0, p / 2};
    case SecondFeaturePhase::takes_the_dimension: return {0.0, 1.0, p / 2, 0.0};
    case SecondFeaturePhase::superposition: return candidates.best_superposition;
  }
  return {};
}

}  // namespace

TEST_CASE("Phase: the trained diagram against the candidates' losses; superposition widening with sparsity",
          "[paper]") {
  const std::vector<double> x = {1.0, 4.64, 100.0}, r = {0.3, 0.774, 1.0, 3.0};
  // Every cell at its best candidate: the diagram is the theory's, and superposition (none dense,
  // some at 4.64, more at 100) widens.
  const SweepResults at_theory = theory_grid(x, r, best_candidate);
  const ClaimResult matches = check_phase_matches_theory(at_theory, t);
  INFO(matches.measured);
  CHECK(matches.verdict == Verdict::holds);
  CHECK_THAT(matches.measured, Catch::StartsWith("0 of 12 cells lose") && Catch::Contains("theory's in 12 of 12 cells"));
  CHECK(check_phase_superposition_widens(at_theory, t).verdict == Verdict::holds);
  // One cell in the local minimum this sweep fell into at 1/(1-S) = 4.64 and r = 0.774 (both
  // weights positive; the dropped-feature reading): it loses 3.4 times to the antipodal pair.
  const SweepResults with_minimum = theory_grid(x, r, [](double p, std::array<double, 2> c) {
    if (std::abs(1.0 / p - 4.64) < 1e-9 && c[1] == 0.5 * 0.774) return TwoByOne{1.054, 0.293, -0.139, 0.065};
    return best_candidate(p, c);
  });
  const ClaimResult minimum = check_phase_matches_theory(with_minimum, t);
  CHECK(minimum.verdict == Verdict::fails);
  CHECK_THAT(minimum.measured, Catch::StartsWith("1 of 12 cells lose") && Catch::Contains("3.4 times it"));
  // Superposition only at the densest sparsity: it shrinks, not widens.
  const SweepResults shrinking = theory_grid(x, r, [](double p, std::array<double, 2>) {
    return p == 1.0 ? TwoByOne{1.0, -1.0, 0.0, 0.0} : TwoByOne{1.0, 0.0, 0.0, p / 2};
  });
  CHECK(check_phase_superposition_widens(shrinking, t).verdict == Verdict::fails);
}

TEST_CASE("A chapter's sources table: the sweep's setting beside the sources', notes only while they hold", "[paper]") {
  PaperContext c;
  SweepResults sweep = theory_grid({1.0, 10.0}, {0.5, 2.0}, best_candidate);
  sweep.config.restarts = 4;
  c.sweeps.emplace("phase", sweep);
  c.role_seeds["phase"] = 3;
  c.sources = nlohmann::json::parse(R"({"chapters": {"phase": {"roles": ["phase"],
    "rows": [{"row": "features n, dimensions m", "here": "shape", "paper": "2, 1", "notebook": "<b>no</b> cell | *x*"},
             {"row": "initialisations", "here": "restarts", "paper": "several", "notebook": "-"},
             {"row": "seeds", "here": "seeds", "paper": "-", "notebook": "1"},
             {"row": "stream", "here": "stream", "paper": "-", "notebook": "one"}],
    "notes": [{"when": {"restarts": "4"}, "text": "Four restarts, on purpose."},
              {"when": {"instance_stream": "shared"}, "text": "Shared, on purpose."}]}}})");
  const std::string table = fill_paper("{{sources phase}}", "t.md", c);
  INFO(table);
  CHECK_THAT(table, Catch::Contains("| features n, dimensions m | 2, 1 |") && Catch::Contains("| 2, 1 |\n"));
  CHECK_THAT(table, Catch::Contains("| 4, the lowest held\\-out loss kept |"));
  CHECK_THAT(table, Catch::Contains("| 42 and 3 robustness seeds |") && Catch::Contains("| one per instance |"));
  // Text from the file is data: a tag, a pipe and emphasis print as written.
  CHECK_THAT(table, Catch::Contains("\\<b\\>no\\</b\\> cell \\| \\*x\\*"));
  // A note shows only while the config has its value.
  CHECK_THAT(table, Catch::Contains("Four restarts, on purpose.") && !Catch::Contains("Shared, on purpose."));
  c.sweeps.at("phase").config.restarts = 1;
  CHECK_THAT(fill_paper("{{sources phase}}", "t.md", c), !Catch::Contains("Four restarts"));
  // A chapter the file lacks, or a row it cannot compute, is an error naming it.
  CHECK_THROWS_WITH(fill_paper("{{sources geometry}}", "t.md", c), Catch::Contains("geometry"));
}

TEST_CASE("Learning dynamics: a stepwise path sits at fractions while it moves, a continuous one does not", "[paper]") {
  // Two features over 12 snapshots. Stepwise: 1/3 for four, 1/2 for four, then 1 (one reading
  // between each): while moving, 8 of 10 readings at a fraction. Continuous: rising evenly from 0.35
  // to 1, at a fraction only where it happens to pass one.
  FeatureTrajectories stepwise, continuous;
  for (long s = 0; s < 12; ++s) stepwise.steps.push_back(100 * s), continuous.steps.push_back(100 * s);
  const std::vector<double> steps = {1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.42, 0.5, 0.5, 0.5, 0.5, 0.8, 1.0, 1.0};
  stepwise.dimensionality = {steps, std::vector<double>(12, std::nan(""))};
  std::vector<double> ramp;
  for (int s = 0; s < 12; ++s) ramp.push_back(0.35 + 0.65 * s / 10.0 > 1.0 ? 1.0 : 0.35 + 0.65 * s / 10.0);
  continuous.dimensionality = {ramp};
  const DynamicsReading a = read_dynamics(stepwise, t.fraction_tolerance);
  CHECK(a.moving_pairs == 10);
  CHECK(a.moving_near_share == Approx(0.8));
  CHECK(a.jumps == 2);
  CHECK(a.features_jumping == 1);
  const DynamicsReading b = read_dynamics(continuous, t.fraction_tolerance);
  INFO("continuous: " << b.moving_near_share << " of " << b.moving_pairs);
  CHECK(b.moving_near_share < 0.5);
  CHECK(b.near_share < a.near_share);
  // Not represented (NaN) and under the fractions' range are not read at all.
  FeatureTrajectories unread;
  unread.steps = {0, 1};
  unread.dimensionality = {{std::nan(""), 0.1}};
  CHECK(read_dynamics(unread, t.fraction_tolerance).pairs == 0);
}

TEST_CASE("Feature pairs: orthogonal correlated pairs, antipodal anticorrelated ones, nearer to orthogonal within pairs",
          "[paper]") {
  // Four unit rows in the plane at the given angles (degrees); pairs are rows (0, 1) and (2, 3).
  const auto at = [](std::initializer_list<double> degrees) {
    Weights w(static_cast<Eigen::Index>(degrees.size()), 2);
    Eigen::Index i = 0;
    for (double d : degrees) {
      w(i, 0) = static_cast<float>(std::cos(d * std::numbers::pi / 180.0));
      w(i, 1) = static_cast<float>(std::sin(d * std::numbers::pi / 180.0));
      ++i;
    }
    return w;
  };
  const Weights orthogonal_pairs = at({0, 90, 180, 270}), antipodal_pairs = at({0, 180, 90, 270});
  CHECK(pair_angle(orthogonal_pairs, 0, 0.5) == Approx(90.0));
  CHECK(pair_angle(antipodal_pairs, 1, 0.5) == Approx(180.0));
  Weights short_row = orthogonal_pairs;
  short_row.row(1) *= 0.1f;
  CHECK(std::isnan(pair_angle(short_row, 0, 0.5)));
  const SweepResults correlated = sweep_of({{0.9, orthogonal_pairs}, {0.99, orthogonal_pairs}}, 1.0);
  const SweepResults anticorrelated = sweep_of({{0.9, antipodal_pairs}, {0.99, antipodal_pairs}}, 1.0);
  CHECK(check_pairs_correlated_orthogonal(correlated, t).verdict == Verdict::holds);
  CHECK(check_pairs_correlated_orthogonal(anticorrelated, t).verdict == Verdict::fails);
  CHECK(check_pairs_anticorrelated_antipodal(anticorrelated, t).verdict == Verdict::holds);
  // One sparsity of orthogonal pairs among antipodal ones fails "at every sparsity", with the count.
  const ClaimResult mixed = check_pairs_anticorrelated_antipodal(sweep_of({{0.9, antipodal_pairs}, {0.99, orthogonal_pairs}}, 1.0), t);
  CHECK(mixed.verdict == Verdict::fails);
  CHECK_THAT(mixed.measured, Catch::StartsWith("every pair within 5° of 180° at 1 of 2 sparsities"));
  // Six rows on a hexagon: pairs adjacent (60° apart, 30° from orthogonal) hold; pairs opposite
  // (180°, 90° from orthogonal) fail.
  const SweepResults adjacent = sweep_of({{0.9, at({0, 60, 120, 180, 240, 300})}}, 1.0);
  const SweepResults opposite = sweep_of({{0.9, at({0, 180, 60, 240, 120, 300})}}, 1.0);
  CHECK(check_pairs_correlated_closer_to_orthogonal(adjacent, t).verdict == Verdict::holds);
  CHECK(check_pairs_correlated_closer_to_orthogonal(opposite, t).verdict == Verdict::fails);
}

namespace {

// A computation model of `features` features and `neurons` neurons. pair(f, j): neurons j and j + 1
// read feature f with weights +1 and -1 and write it back with weight 1, |x_f| exactly.
struct ComputationBuilder {
  ToyModel model;
  ComputationBuilder(int features, int neurons) {
    model.activation = Activation::relu;
    model.weights = Weights::Zero(features, neurons);
    model.output_weights = Weights::Zero(features, neurons);
    model.bias = Eigen::VectorXf::Zero(features);
  }
  ComputationBuilder& pair(int feature, int neuron) {
    model.weights(feature, neuron) = 1.0f;
    model.weights(feature, neuron + 1) = -1.0f;
    model.output_weights(feature, neuron) = model.output_weights(feature, neuron + 1) = 1.0f;
    return *this;
  }
  // Neuron j reads every feature in `fs` with weight +1 (or -1) and writes each back: polysemantic.
  ComputationBuilder& shared(std::initializer_list<int> fs, int neuron, float sign) {
    for (int f : fs) {
      model.weights(f, neuron) = sign;
      model.output_weights(f, neuron) = 1.0f;
    }
    return *this;
  }
};

SweepResults computation_sweep(const std::vector<std::pair<double, ToyModel>>& models) {
  std::vector<std::pair<double, Weights>> plain;
  for (const auto& [s, m] : models) plain.emplace_back(s, m.weights);
  SweepResults sweep = sweep_of(plain, 0.8);
  sweep.config.train.task = Task::absolute_value;
  for (std::size_t k = 0; k < models.size(); ++k) sweep.instances[k].run.model = models[k].second;
  return sweep;
}

}  // namespace

TEST_CASE("Computation readings: purity, computed features and sign pairs on hand-made models", "[paper]") {
  // Two features each on a sign pair of neurons: |x| exactly, so R^2 = 1; a third feature untouched.
  const ToyModel pairs = ComputationBuilder(3, 4).pair(0, 0).pair(1, 2).model;
  CHECK(feature_r2(pairs, 0) == Approx(1.0));
  CHECK(feature_r2(pairs, 2) < 0.0);  // y = 0 against |x|: worse than the mean
  ComputationReading r = read_computation(pairs, t.represented_norm, t.monosemantic_purity, t.computed_r2);
  CHECK(r.live == 4);
  CHECK(r.monosemantic == 4);
  CHECK(r.computed == 2);
  CHECK(r.sign_pairs == 2);
  // One ReLU per feature computes one sign only: not computed (the best such fit has R^2 = 0.2).
  ToyModel half = ComputationBuilder(2, 2).model;
  half.weights(0, 0) = half.output_weights(0, 0) = 1.0f;
  CHECK(feature_r2(half, 0) < t.computed_r2);
  // Flipping a feature's input weights changes no reading.
  ToyModel flipped = pairs;
  flipped.weights.row(1) *= -1.0f;
  CHECK(feature_r2(flipped, 1) == Approx(feature_r2(pairs, 1)));
  const ComputationReading rf = read_computation(flipped, t.represented_norm, t.monosemantic_purity, t.computed_r2);
  CHECK(rf.sign_pairs == r.sign_pairs);
  // Two neurons shared by three features each (one per sign): three features computed, all on
  // polysemantic neurons, no sign pair of monosemantic ones.
  const ToyModel shared = ComputationBuilder(3, 2).shared({0, 1, 2}, 0, 1.0f).shared({0, 1, 2}, 1, -1.0f).model;
  r = read_computation(shared, t.represented_norm, t.monosemantic_purity, t.computed_r2);
  CHECK(r.polysemantic == 2);
  CHECK(r.monosemantic == 0);
  CHECK(r.sign_pairs == 0);
  const auto neurons = neuron_readings(shared);
  CHECK(neurons[0].purity == Approx(1.0 / 3.0));
}

TEST_CASE("Computation claims hold on the paper's picture and fail on sweeps built against it", "[paper]") {
  // Dense: one sign pair of monosemantic neurons. Sparse: three features computed on two shared,
  // polysemantic neurons, more than neurons / 2 = 1.
  const ToyModel dense = ComputationBuilder(3, 2).pair(0, 0).model;
  const ToyModel sparse = ComputationBuilder(3, 2).shared({0, 1, 2}, 0, 1.0f).shared({0, 1, 2}, 1, -1.0f).model;
  const SweepResults picture = computation_sweep({{0.0, dense}, {0.99, sparse}});
  CHECK(check_computation_dense_monosemantic(picture, t).verdict == Verdict::holds);
  CHECK(check_computation_sparse_polysemantic(picture, t).verdict == Verdict::holds);
  CHECK(check_computation_beyond_sign_pairs(picture, t).verdict == Verdict::holds);
  // Reversed: polysemantic when dense, monosemantic pairs when sparse, never beyond the pairs.
  const SweepResults against = computation_sweep({{0.0, sparse}, {0.99, dense}});
  CHECK(check_computation_dense_monosemantic(against, t).verdict == Verdict::fails);
  CHECK(check_computation_sparse_polysemantic(against, t).verdict == Verdict::fails);
  const SweepResults only_pairs = computation_sweep({{0.0, dense}, {0.99, dense}});
  CHECK(check_computation_beyond_sign_pairs(only_pairs, t).verdict == Verdict::fails);
  // The small model: sign pairs in every instance holds; one instance with a shared neuron fails.
  CHECK(check_computation_sign_pairs(computation_sweep({{0.5, dense}, {0.5, dense}}), t).verdict == Verdict::holds);
  CHECK(check_computation_sign_pairs(computation_sweep({{0.5, dense}, {0.5, sparse}}), t).verdict == Verdict::fails);
}

TEST_CASE("The explorer: one view per instance, by sparsity (and importance on a grid), its names as text",
          "[paper]") {
  PaperContext c;
  SweepResults sweep = sweep_of({{0.9, polygon(5, 5)}, {0.0, polygon(5, 2)}, {0.5, polygon(5, 4)}});
  sweep.config.name = "a<b>&\"c";
  c.sweeps.emplace("intro", sweep);
  c.figures_dir = "out/figs";
  c.threshold_values = {{"represented_norm", 0.5}, {"monosemantic_purity", 0.9}, {"computed_r2", 0.5}};
  std::set<std::string> used;
  c.explorer_roles = &used;
  const std::string html = fill_paper("{{explorer intro}}", "t.md", c);
  INFO(html);
  CHECK(used == std::set<std::string>{"intro"});
  // Raw HTML for the HTML writer only; hidden until the page's script shows it.
  CHECK_THAT(html, Catch::StartsWith("```{=html}\n<div class=\"explorer\" data-explorer hidden>"));
  // Slider positions in sparsity order: position 0 is S = 0, which is folder i1.
  CHECK_THAT(html, Catch::Contains("<figure data-k=\"0\" data-label=\"S = 0\" hidden><div class=\"hover-host\">"
                                   "<img src=\"out/figs/explore/intro/i1.svg\""));
  CHECK_THAT(html, Catch::Contains("<figure data-k=\"2\" data-label=\"S = 0.9\" hidden><div class=\"hover-host\">"
                                   "<img src=\"out/figs/explore/intro/i0.svg\""));
  // Each panel carries what the hover shows, as JSON escaped into the attribute.
  CHECK_THAT(html, Catch::Contains("data-hover=\"{&quot;regions&quot;:[{&quot;kind&quot;:&quot;points&quot;"));
  CHECK_THAT(html, Catch::Contains("<tr><th>represented features</th><td>5 of 5</td></tr>"));
  CHECK_THAT(html, Catch::Contains("<code>a&lt;b&gt;&amp;&quot;c</code>") && !Catch::Contains("a<b>"));
  // A grid over importance too: a second slider whose step is a whole row of sparsities.
  SweepResults grid = theory_grid({1.0, 10.0}, {0.5, 2.0}, best_candidate);
  c.sweeps.emplace("phase", grid);
  const std::string two = fill_paper("{{explorer phase}}", "t.md", c);
  CHECK_THAT(two, Catch::Contains("data-stride=\"2\" aria-label=\"relative importance\""));
  CHECK_THAT(two, Catch::Contains("<th>relative importance</th>"));
  // A threshold the explorer reads and was not given stops the render.
  c.threshold_values.erase("represented_norm");
  CHECK_THROWS(fill_paper("{{explorer intro}}", "t.md", c));
}

TEST_CASE("An explorer panel's hover: its plots' boxes inside the image and the instance's own numbers", "[paper]") {
  const SweepResults sweep = sweep_of({{0.9, polygon(5, 5)}, {0.0, polygon(5, 2)}});
  const nlohmann::ordered_json hover = instance_panel_hover(sweep, 1, 0.5);
  const auto& regions = hover.at("regions");
  REQUIRE(regions.size() == 2);  // the plane of W's rows above the bars
  const Weights& w = sweep.instances[1].run.model.weights;
  for (const auto& region : regions) {
    const auto& box = region.at("box");
    CHECK(0.0 <= box[0].get<double>());
    CHECK(box[0].get<double>() < box[2].get<double>());
    CHECK(box[2].get<double>() <= 1.0);
    CHECK(0.0 <= box[1].get<double>());
    CHECK(box[1].get<double>() < box[3].get<double>());
    CHECK(box[3].get<double>() <= 1.0);
  }
  // The plane is square on the page (width and height in inches: 3.9 wide).
  const auto& plane = regions[0];
  CHECK(plane.at("kind") == "points");
  REQUIRE(plane.at("points").size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(plane.at("points")[i][0].get<double>() == Approx(w(i, 0)).margin(5e-3));
    CHECK(plane.at("points")[i][1].get<double>() == Approx(w(i, 1)).margin(5e-3));
  }
  // The plane lies above the bars, and neither overlaps the other.
  const auto& bars = regions[1];
  CHECK(bars.at("kind") == "bars");
  CHECK(plane.at("box")[3].get<double>() < bars.at("box")[1].get<double>());
  // Two of the five features are represented in a plane: those have a D_i, the rest show none.
  int with_dimensionality = 0;
  for (int i = 0; i < 5; ++i) {
    CHECK(bars.at("norms")[i].get<double>() == Approx(w.row(i).norm()).margin(5e-3));
    with_dimensionality += bars.at("dimensionality")[i].is_null() ? 0 : 1;
  }
  CHECK(with_dimensionality == static_cast<int>(represented_dimensionalities(w, 0.5).size()));
}
