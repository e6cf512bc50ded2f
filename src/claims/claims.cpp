#include "claims/claims.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

#include "analysis/feature_measures.hpp"
#include "analysis/geometry.hpp"

namespace superpos {
namespace {

ClaimResult make(const RunResults& run, std::string claim, std::string statement, std::string article_says,
                 std::string section) {
  ClaimResult r;
  r.id = run.config.name + "." + claim;
  r.subject = run.config.name;
  r.statement = std::move(statement);
  r.article_says = std::move(article_says);
  r.section = std::move(section);
  return r;
}

ClaimResult make_pair(const RunResults& a, const RunResults& b, std::string claim, std::string statement,
                      std::string article_says, std::string section) {
  ClaimResult r = make(b, std::move(claim), std::move(statement), std::move(article_says), std::move(section));
  r.id = fmt::format("{}_vs_{}.{}", a.config.name, b.config.name, r.id.substr(b.config.name.size() + 1));
  r.subject = fmt::format("{} vs {}", a.config.name, b.config.name);
  return r;
}

Verdict verdict_of(bool holds) { return holds ? Verdict::holds : Verdict::fails; }

std::string list(const std::vector<int>& values) { return "{" + fmt::format("{}", fmt::join(values, ", ")) + "}"; }

std::string values_text(const char* name, const Eigen::VectorXd& values, int decimals = 2) {
  std::vector<std::string> parts;
  for (Eigen::Index i = 0; i < values.size(); ++i) parts.push_back(fmt::format("{:.{}f}", values[i], decimals));
  return fmt::format("{} [{}]", name, fmt::join(parts, ", "));
}

std::string recovered_text(const RunResults& run) { return values_text("recovered", recovered_fraction(run)); }

std::string lines_text(const std::vector<std::vector<int>>& lines) {
  std::vector<std::string> groups;
  for (const auto& line : lines) groups.push_back(list(line));
  return fmt::format("{} line{} {}", lines.size(), lines.size() == 1 ? "" : "s", fmt::join(groups, " "));
}

constexpr const char* kLinear = "Training a model with no sparsity, conclusion ";
constexpr const char* kHello = "Hello Superposition!";
constexpr const char* kBias = "Understanding the role of the bias vector";
constexpr const char* kHigh = "Train a model with high sparsity and non-linearity";
constexpr const char* kRelu = "Understanding the role of Relu";

}  // namespace

ClaimResult check_only_h_features(const RunResults& run, const Thresholds& t) {
  const int h = run.config.train.hidden;
  ClaimResult r = make(run, "only_h_features",
                       fmt::format("Exactly H = {} features are represented, on rows of norm ~1; the other rows are ~0.", h),
                       "the weight magnitude takes a dive after the 2nd feature", std::string(kLinear) + "1");
  const Geometry g = analyse(run.model.weights);
  const std::vector<int> kept = represented(run, t);
  bool holds = static_cast<int>(kept.size()) == h;
  for (Eigen::Index i = 0; i < g.norms.size(); ++i) {
    const bool is_kept = std::find(kept.begin(), kept.end(), i) != kept.end();
    holds = holds && (is_kept ? std::abs(g.norms[i] - 1.0) <= t.unit_norm_tolerance : g.norms[i] < t.unrepresented_norm);
  }
  r.measured = fmt::format("represented {}; {}", list(kept), values_text("norms", g.norms, 3));
  r.threshold = fmt::format("{} represented, their norms within {} of 1, the others < {}", h, t.unit_norm_tolerance,
                            t.unrepresented_norm);
  r.verdict = verdict_of(holds);
  return r;
}

ClaimResult check_kept_rows_orthogonal(const RunResults& run, const Thresholds& t) {
  const int h = run.config.train.hidden;
  ClaimResult r = make(run, "kept_rows_orthogonal", fmt::format("The {} longest rows are mutually orthogonal.", h),
                       "the first two weights seem to be orthogonal to each other", std::string(kLinear) + "2");
  const Geometry g = analyse(run.model.weights);
  std::vector<int> order(static_cast<std::size_t>(g.norms.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return g.norms[a] > g.norms[b]; });
  int worst_a = order[0], worst_b = order[1];
  for (int a = 0; a < h; ++a)
    for (int b = a + 1; b < h; ++b)
      if (std::abs(g.angles_degrees(order[a], order[b]) - 90.0) > std::abs(g.angles_degrees(worst_a, worst_b) - 90.0)) {
        worst_a = order[a];
        worst_b = order[b];
      }
  const double degrees = g.angles_degrees(worst_a, worst_b);
  r.measured = fmt::format("angle(W{}, W{}) = {:.3f} deg{}", worst_a, worst_b, degrees, h > 2 ? " (furthest from 90)" : "");
  r.threshold = fmt::format("90 +/- {} deg", t.orthogonal_tolerance_degrees);
  r.verdict = verdict_of(std::abs(degrees - 90.0) <= t.orthogonal_tolerance_degrees);
  return r;
}

ClaimResult check_kept_are_most_important(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "kept_are_most_important", "The represented features are the H most important ones.",
                       "a correlation between feature importance and the magnitude of the weights",
                       std::string(kLinear) + "1");
  const std::vector<int> kept = represented(run, t);
  std::vector<int> expected(static_cast<std::size_t>(run.config.train.hidden));
  std::iota(expected.begin(), expected.end(), 0);
  r.measured = fmt::format("represented {} ({})", list(kept), recovered_text(run));
  r.threshold = fmt::format("= {}", list(expected));
  r.verdict = verdict_of(kept == expected);
  return r;
}

ClaimResult check_bias_interference_near_zero(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "bias_interference_near_zero", "Bias and interference are ~0 everywhere.",
                       "bias and interference heatmaps are almost 0 for all values", std::string(kLinear) + "4");
  const Geometry g = analyse(run.model.weights);
  const double max_bias = run.model.bias.cwiseAbs().maxCoeff();
  const double max_interference = g.interference.cwiseAbs().maxCoeff();
  r.measured = fmt::format("max|b| = {:.4f}, max|interference| = {:.4f}", max_bias, max_interference);
  r.threshold = fmt::format("both < {}", t.near_zero);
  r.verdict = verdict_of(max_bias < t.near_zero && max_interference < t.near_zero);
  return r;
}

ClaimResult check_all_features_represented(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "all_represented",
                       "Every feature is represented: the model reconstructs it, measured on held-out data.",
                       "our model is learning to represent all features", kHello);
  const auto kept = represented(run, t);
  r.measured = fmt::format("{} of {}: {}", kept.size(), run.config.train.features, recovered_text(run));
  r.threshold = fmt::format("all >= {} of what the activation can reproduce", t.represented_fraction);
  r.verdict = verdict_of(static_cast<int>(kept.size()) == run.config.train.features);
  return r;
}

ClaimResult check_norms_follow_importance(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "norms_follow_importance", "Row norms do not increase with feature index (importance order).",
                       "the ranked order of the L2 norm of the weights follows the feature importances", kHello);
  const Geometry g = analyse(run.model.weights);
  double worst = 0.0;  // the largest rise from one feature to the next
  for (Eigen::Index i = 1; i < g.norms.size(); ++i) worst = std::max(worst, g.norms[i] - g.norms[i - 1]);
  r.measured = fmt::format("{}; largest rise {:.4f}", values_text("norms", g.norms, 3), worst);
  r.threshold = fmt::format("no rise above {}", t.ordering_tolerance);
  r.verdict = verdict_of(worst <= t.ordering_tolerance);
  return r;
}

ClaimResult check_two_orthogonal_lines(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "two_orthogonal_lines",
                       fmt::format("All {} rows with a direction lie on two orthogonal lines.", run.config.train.features),
                       "despite having 5 features we still have just 2 directions", kHello);
  const std::vector<int> rows = directional_rows(run.model.weights, t);
  const auto lines = lines_of_rows(run.model.weights, rows, t);
  const double between = lines.size() == 2 ? line_angle_degrees(run.model.weights, lines[0][0], lines[1][0]) : std::nan("");
  r.measured = fmt::format("{} of {} rows with a direction, on {}; lines {:.2f} deg apart", rows.size(),
                           run.config.train.features, lines_text(lines), between);
  r.threshold = fmt::format("all rows, 2 lines (within {} deg), 90 +/- {} deg apart", t.line_tolerance_degrees,
                            t.line_tolerance_degrees);
  r.verdict = verdict_of(static_cast<int>(rows.size()) == run.config.train.features && lines.size() == 2 &&
                         std::abs(between - 90.0) <= t.line_tolerance_degrees);
  return r;
}

ClaimResult check_bias_offsets_shared_direction(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "bias_offsets_interference",
                       "On every line shared by several rows, the most important feature has a negative bias.",
                       "a negative bias term helps ... offset any possible positive interference", kBias);
  const auto lines = lines_of_rows(run.model.weights, directional_rows(run.model.weights, t), t);
  std::vector<std::string> found;
  bool holds = false, all = true;
  for (const auto& line : lines) {
    if (line.size() < 2) continue;
    const int first = *std::min_element(line.begin(), line.end());
    found.push_back(fmt::format("line {}: b{} = {:.3f}", list(line), first, run.model.bias[first]));
    holds = true;
    all = all && run.model.bias[first] < 0;
  }
  r.measured = found.empty() ? "no line is shared" : fmt::format("{}", fmt::join(found, "; "));
  r.threshold = "some shared line, and b < 0 for the most important feature of each";
  r.verdict = verdict_of(holds && all);
  return r;
}

ClaimResult check_distinct_directions(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "distinct_directions", "Every feature is represented, each on a line of its own.",
                       "all features are represented in unique directions", kHigh);
  const auto kept = represented(run, t);
  const auto lines = lines_of_rows(run.model.weights, kept, t);
  double closest = 90.0;
  for (std::size_t a = 0; a < kept.size(); ++a)
    for (std::size_t b = a + 1; b < kept.size(); ++b)
      closest = std::min(closest, line_angle_degrees(run.model.weights, kept[a], kept[b]));
  r.measured = fmt::format("{} of {} represented ({}), closest lines {:.1f} deg", kept.size(), run.config.train.features,
                           recovered_text(run), closest);
  r.threshold = fmt::format("all represented, lines >= {} deg apart", t.distinct_direction_degrees);
  r.verdict = verdict_of(static_cast<int>(kept.size()) == run.config.train.features &&
                         closest >= t.distinct_direction_degrees);
  return r;
}

ClaimResult check_negative_interference_clipped(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "negative_interference_clipped",
                       "Some represented feature overlaps notably with every more important one and has a negative "
                       "bias, so the ReLU clips the interference that pushes its output below zero.",
                       "notable negative interference with both feature 0 and feature 1", kRelu);
  const Geometry g = analyse(run.model.weights);
  const auto kept = represented(run, t);
  std::vector<std::string> found;
  for (int k : kept) {
    if (k < 2) continue;  // needs at least two more important features
    double weakest = 1e300;
    for (int j = 0; j < k; ++j) weakest = std::min(weakest, std::abs(g.interactions(k, j)));
    if (weakest >= t.notable_interaction && run.model.bias[k] < 0)
      found.push_back(fmt::format("f{}: min |W{}.Wj| (j<{}) = {:.3f}, b{} = {:.3f}", k, k, k, weakest, k, run.model.bias[k]));
  }
  r.measured = found.empty() ? fmt::format("no such feature (represented {})", list(kept))
                             : fmt::format("{}", fmt::join(found, "; "));
  r.threshold = fmt::format("|W_k.W_j| >= {} for all j < k (k >= 2, represented) and b_k < 0", t.notable_interaction);
  r.verdict = verdict_of(!found.empty());
  return r;
}

ClaimResult check_less_orthogonal(const RunResults& denser, const RunResults& sparser, const Thresholds& t) {
  ClaimResult r = make_pair(denser, sparser, "less_orthogonal",
                            "With more sparsity the lines of the represented features are less orthogonal.",
                            "our features are getting less orthogonal", kHigh);
  const double before = mean_abs_cos_between_lines(denser, t), after = mean_abs_cos_between_lines(sparser, t);
  r.measured = fmt::format("mean |cos| between lines: {:.3f} -> {:.3f}", before, after);
  r.threshold = fmt::format("grows by >= {}", t.orthogonality_margin);
  r.verdict = verdict_of(after >= before + t.orthogonality_margin);
  return r;
}

ClaimResult check_more_features_when_sparser(const RunResults& denser, const RunResults& sparser, const Thresholds& t) {
  ClaimResult r = make_pair(denser, sparser, "more_features", "With more sparsity more features are represented.",
                            "as sparsity increases we see more features being represented", kRelu);
  const auto before = represented(denser, t).size(), after = represented(sparser, t).size();
  r.measured = fmt::format("represented: {} -> {}", before, after);
  r.threshold = "grows";
  r.verdict = verdict_of(after > before);
  return r;
}

ClaimResult check_more_directions_when_sparser(const RunResults& denser, const RunResults& sparser, const Thresholds& t) {
  ClaimResult r = make_pair(denser, sparser, "more_directions",
                            "With more sparsity the rows point along more distinct lines.",
                            "as we increase the sparsity we observe more unique directions", kHigh);
  const auto before = lines_of_rows(denser.model.weights, directional_rows(denser.model.weights, t), t);
  const auto after = lines_of_rows(sparser.model.weights, directional_rows(sparser.model.weights, t), t);
  r.measured = fmt::format("{} -> {}", lines_text(before), lines_text(after));
  r.threshold = fmt::format("more lines (rows within {} deg share one)", t.line_tolerance_degrees);
  r.verdict = verdict_of(after.size() > before.size());
  return r;
}

ClaimResult check_lower_relative_loss(const RunResults& denser, const RunResults& sparser, const Thresholds&) {
  ClaimResult r = make_pair(denser, sparser, "lower_relative_loss",
                            "Beyond the article: the sparser model leaves less of its input's energy unexplained "
                            "(expected loss / expected weighted input energy, held out).",
                            "", "");
  r.from_article = false;
  const auto relative = [](const RunResults& run) { return run.evaluation.expected_loss / run.evaluation.input_energy; };
  const auto error = [&](const RunResults& run) { return run.evaluation.expected_loss_error / run.evaluation.input_energy; };
  r.measured = fmt::format("relative loss {:.4f} +/- {:.4f} -> {:.4f} +/- {:.4f}", relative(denser), error(denser),
                           relative(sparser), error(sparser));
  r.threshold = "lower by more than 3 standard errors";
  r.verdict = verdict_of(relative(sparser) + 3 * std::hypot(error(denser), error(sparser)) < relative(denser));
  return r;
}

}  // namespace superpos
