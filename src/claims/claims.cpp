#include "claims/claims.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <numeric>

#include "analysis/geometry.hpp"

namespace superpos {
namespace {

ClaimResult make(const RunResults& run, std::string claim, std::string statement, std::string section) {
  ClaimResult r;
  r.id = run.config.name + "." + claim;
  r.subject = run.config.name;
  r.statement = std::move(statement);
  r.section = std::move(section);
  return r;
}

ClaimResult make_pair(const RunResults& a, const RunResults& b, std::string claim, std::string statement,
                      std::string section) {
  ClaimResult r;
  r.id = fmt::format("{}_vs_{}.{}", a.config.name, b.config.name, claim);
  r.subject = fmt::format("{} vs {}", a.config.name, b.config.name);
  r.statement = std::move(statement);
  r.section = std::move(section);
  return r;
}

Verdict verdict_of(bool holds) { return holds ? Verdict::holds : Verdict::fails; }

std::vector<int> represented(const Geometry& g, const Thresholds& t) {
  std::vector<int> rows;
  for (int i = 0; i < g.norms.size(); ++i)
    if (g.norms[i] >= t.represented_norm) rows.push_back(i);
  return rows;
}

bool same_line(double degrees, const Thresholds& t) {
  return degrees <= t.line_tolerance_degrees || degrees >= 180.0 - t.line_tolerance_degrees;
}

std::string list(const std::vector<int>& values) {
  return "{" + fmt::format("{}", fmt::join(values, ", ")) + "}";
}

std::string norms_text(const Geometry& g) {
  std::vector<std::string> parts;
  for (int i = 0; i < g.norms.size(); ++i) parts.push_back(fmt::format("{:.3f}", g.norms[i]));
  return fmt::format("norms [{}]", fmt::join(parts, ", "));
}

double relative_loss(const RunResults& run) {
  // Expected input energy sum_i importance_i E[x_i^2] = (1 - p) sum_i importance_i.
  const Eigen::VectorXf importance = feature_importance(run.config.train.features, run.config.train.importance_decay);
  const double energy = (1.0 - run.config.train.sparsity) * importance.cast<double>().sum();
  return final_loss(run) / energy;
}

}  // namespace

ClaimResult not_evaluated(std::string id, std::string subject, std::string reason) {
  ClaimResult r;
  r.id = std::move(id);
  r.subject = std::move(subject);
  r.statement = "(not evaluated)";
  r.measured = std::move(reason);
  r.verdict = Verdict::not_evaluated;
  return r;
}

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::holds: return "holds";
    case Verdict::fails: return "fails";
    default: return "not evaluated";
  }
}

std::vector<std::vector<int>> lines_of_rows(const Weights& weights, const Thresholds& t) {
  const Geometry g = analyse(weights);
  std::vector<std::vector<int>> lines;
  for (int i : represented(g, t)) {
    auto line = std::find_if(lines.begin(), lines.end(),
                             [&](const std::vector<int>& l) { return same_line(g.angles_degrees(l.front(), i), t); });
    if (line == lines.end()) lines.push_back({i});
    else line->push_back(i);
  }
  return lines;
}

double mean_abs_cos_between_lines(const Weights& weights, const Thresholds& t) {
  const Geometry g = analyse(weights);
  const std::vector<int> rows = represented(g, t);
  double sum = 0.0;
  int pairs = 0;
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b) {
      const double degrees = g.angles_degrees(rows[a], rows[b]);
      if (same_line(degrees, t)) continue;
      sum += std::abs(std::cos(degrees * std::numbers::pi / 180.0));
      ++pairs;
    }
  return pairs == 0 ? 0.0 : sum / pairs;
}

ClaimResult check_only_h_features(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "only_h_features",
                       "Only as many features as hidden dimensions are kept: H rows have norm ~1, the rest ~0.",
                       "Training a model with no sparsity, conclusion 1");
  const Geometry g = analyse(run.model.weights);
  const int h = run.config.train.hidden;
  std::vector<double> sorted(g.norms.data(), g.norms.data() + g.norms.size());
  std::sort(sorted.rbegin(), sorted.rend());
  bool holds = true;
  for (int k = 0; k < static_cast<int>(sorted.size()); ++k)
    holds = holds && (k < h ? std::abs(sorted[k] - 1.0) <= t.unit_norm_tolerance : sorted[k] < t.unrepresented_norm);
  r.measured = norms_text(g);
  r.threshold = fmt::format("{} norms within {} of 1, the others < {}", h, t.unit_norm_tolerance, t.unrepresented_norm);
  r.verdict = verdict_of(holds);
  return r;
}

ClaimResult check_kept_rows_orthogonal(const RunResults& run, const Thresholds& t) {
  const int h = run.config.train.hidden;
  ClaimResult r = make(run, "kept_rows_orthogonal", fmt::format("The {} kept rows are mutually orthogonal.", h),
                       "Training a model with no sparsity, conclusion 2");
  const Geometry g = analyse(run.model.weights);
  std::vector<int> order(static_cast<std::size_t>(g.norms.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return g.norms[a] > g.norms[b]; });
  // The pair furthest from 90 degrees among the H longest rows decides.
  int worst_a = order[0], worst_b = order[1];
  for (int a = 0; a < h; ++a)
    for (int b = a + 1; b < h; ++b)
      if (std::abs(g.angles_degrees(order[a], order[b]) - 90.0) > std::abs(g.angles_degrees(worst_a, worst_b) - 90.0)) {
        worst_a = order[a];
        worst_b = order[b];
      }
  const double degrees = g.angles_degrees(worst_a, worst_b);
  r.measured = fmt::format("angle(W{}, W{}) = {:.3f} deg{}", worst_a, worst_b, degrees,
                           h > 2 ? " (the pair furthest from 90)" : "");
  r.threshold = fmt::format("90 +/- {} deg", t.orthogonal_tolerance_degrees);
  r.verdict = verdict_of(std::abs(degrees - 90.0) <= t.orthogonal_tolerance_degrees);
  return r;
}

ClaimResult check_kept_are_most_important(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "kept_are_most_important",
                       "The kept features are the most important ones (weight norm follows importance).",
                       "Training a model with no sparsity, conclusion 1");
  const Geometry g = analyse(run.model.weights);
  const std::vector<int> kept = represented(g, t);
  std::vector<int> expected(static_cast<std::size_t>(run.config.train.hidden));
  std::iota(expected.begin(), expected.end(), 0);
  r.measured = fmt::format("represented (norm >= {}) = {}", t.represented_norm, list(kept));
  r.threshold = fmt::format("= {}", list(expected));
  r.verdict = verdict_of(kept == expected);
  return r;
}

ClaimResult check_bias_interference_near_zero(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "bias_interference_near_zero",
                       "Bias and interference are ~0 everywhere (the PCA-like solution).",
                       "Training a model with no sparsity, conclusion 4");
  const Geometry g = analyse(run.model.weights);
  const double max_bias = run.model.bias.cwiseAbs().maxCoeff();
  const double max_interference = g.interference.cwiseAbs().maxCoeff();
  r.measured = fmt::format("max|b| = {:.4f}, max|interference| = {:.4f}", max_bias, max_interference);
  r.threshold = fmt::format("both < {}", t.near_zero);
  r.verdict = verdict_of(max_bias < t.near_zero && max_interference < t.near_zero);
  return r;
}

ClaimResult check_all_features_represented(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "all_represented", "Every feature gets a row of non-negligible norm.",
                       "Hello Superposition!");
  const Geometry g = analyse(run.model.weights);
  r.measured = norms_text(g);
  r.threshold = fmt::format("all >= {}", t.represented_norm);
  r.verdict = verdict_of(g.norms.minCoeff() >= t.represented_norm);
  return r;
}

ClaimResult check_norms_follow_importance(const RunResults& run, const Thresholds&) {
  ClaimResult r = make(run, "norms_follow_importance", "Row norms decrease with feature importance.",
                       "Hello Superposition!");
  const Geometry g = analyse(run.model.weights);
  bool ordered = true;
  for (int i = 1; i < g.norms.size(); ++i) ordered = ordered && g.norms[i] <= g.norms[i - 1];
  r.measured = norms_text(g);
  r.threshold = "non-increasing in feature index";
  r.verdict = verdict_of(ordered);
  return r;
}

ClaimResult check_two_orthogonal_lines(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "two_orthogonal_lines",
                       fmt::format("Despite {} features there are only two directions: the rows lie on two orthogonal lines.",
                                   run.config.train.features),
                       "Hello Superposition!");
  const auto lines = lines_of_rows(run.model.weights, t);
  std::vector<std::string> groups;
  for (const auto& line : lines) groups.push_back(list(line));
  double between = std::nan("");
  if (lines.size() == 2) between = angle_degrees(run.model.weights, lines[0].front(), lines[1].front());
  const double off_right = std::abs(between - 90.0);
  r.measured = fmt::format("lines {} at {:.2f} deg", fmt::join(groups, " "), between);
  r.threshold = fmt::format("2 lines (rows within {} deg), 90 +/- {} deg apart", t.line_tolerance_degrees,
                            t.line_tolerance_degrees);
  r.verdict = verdict_of(lines.size() == 2 && off_right <= t.line_tolerance_degrees);
  return r;
}

ClaimResult check_bias_offsets_shared_direction(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "bias_offsets_interference",
                       "A feature sharing a direction with a more important one interferes positively with it, "
                       "and the more important one's bias is negative to offset that.",
                       "Understanding the role of the bias vector");
  const Geometry g = analyse(run.model.weights);
  std::vector<std::string> found;
  for (int i = 0; i < g.norms.size(); ++i)
    for (int j = i + 1; j < g.norms.size(); ++j) {
      const bool shared = g.norms[j] >= t.represented_norm && g.angles_degrees(i, j) <= t.line_tolerance_degrees;
      if (shared && g.interactions(i, j) > 0 && run.model.bias[i] < 0)
        found.push_back(fmt::format("f{} with f{}: W.W = {:.3f}, b{} = {:.3f}", j, i, g.interactions(i, j), i,
                                    run.model.bias[i]));
    }
  r.measured = found.empty() ? "no such pair" : fmt::format("{}", fmt::join(found, "; "));
  r.threshold = fmt::format("some pair within {} deg, W_i.W_j > 0 and b_i < 0 for the more important i",
                            t.line_tolerance_degrees);
  r.verdict = verdict_of(!found.empty());
  return r;
}

ClaimResult check_distinct_directions(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "distinct_directions", "Every feature is represented, each in a direction of its own.",
                       "Train a model with high sparsity and non-linearity");
  const Geometry g = analyse(run.model.weights);
  double closest = 180.0;
  for (int i = 0; i < g.norms.size(); ++i)
    for (int j = i + 1; j < g.norms.size(); ++j) closest = std::min(closest, g.angles_degrees(i, j));
  r.measured = fmt::format("min norm {:.3f}, closest pair {:.2f} deg", g.norms.minCoeff(), closest);
  r.threshold = fmt::format("norms >= {}, every pair >= {} deg apart", t.represented_norm, t.distinct_direction_degrees);
  r.verdict = verdict_of(g.norms.minCoeff() >= t.represented_norm && closest >= t.distinct_direction_degrees);
  return r;
}

ClaimResult check_negative_interference_clipped(const RunResults& run, const Thresholds& t) {
  ClaimResult r = make(run, "negative_interference_clipped",
                       "Some feature interferes negatively with every more important feature, and its bias is "
                       "negative, so the ReLU clips that interference to zero.",
                       "Understanding the role of Relu");
  const Geometry g = analyse(run.model.weights);
  std::vector<std::string> found;
  for (int k = 2; k < g.norms.size(); ++k) {  // needs at least two more important features
    bool all_negative = true;
    for (int j = 0; j < k; ++j) all_negative = all_negative && g.interactions(k, j) <= -t.negative_interaction;
    if (all_negative && run.model.bias[k] < 0)
      found.push_back(fmt::format("f{}: max W{}.Wj (j<{}) = {:.3f}, b{} = {:.3f}", k, k, k,
                                  g.interactions.row(k).head(k).maxCoeff(), k, run.model.bias[k]));
  }
  r.measured = found.empty() ? "no such feature" : fmt::format("{}", fmt::join(found, "; "));
  r.threshold = fmt::format("W_k.W_j <= -{} for all j < k (k >= 2) and b_k < 0", t.negative_interaction);
  r.verdict = verdict_of(!found.empty());
  return r;
}

ClaimResult check_less_orthogonal(const RunResults& denser, const RunResults& sparser, const Thresholds& t) {
  ClaimResult r = make_pair(denser, sparser, "less_orthogonal",
                            "With more sparsity the represented directions are less orthogonal.",
                            "Train a model with high sparsity and non-linearity");
  const double before = mean_abs_cos_between_lines(denser.model.weights, t);
  const double after = mean_abs_cos_between_lines(sparser.model.weights, t);
  r.measured = fmt::format("mean |cos| between lines: {:.3f} -> {:.3f}", before, after);
  r.threshold = fmt::format("grows by >= {}", t.orthogonality_margin);
  r.verdict = verdict_of(after >= before + t.orthogonality_margin);
  return r;
}

ClaimResult check_lower_loss(const RunResults& denser, const RunResults& sparser, const Thresholds&) {
  ClaimResult r = make_pair(denser, sparser, "lower_loss", "Beyond the article: the sparser model ends with a lower loss.",
                            "not in the article (it shows no losses)");
  r.from_article = false;
  r.measured = fmt::format("final loss {:.4f} -> {:.4f}", final_loss(denser), final_loss(sparser));
  r.threshold = "lower";
  r.verdict = verdict_of(final_loss(sparser) < final_loss(denser));
  return r;
}

ClaimResult check_lower_relative_loss(const RunResults& denser, const RunResults& sparser, const Thresholds&) {
  ClaimResult r = make_pair(denser, sparser, "lower_relative_loss",
                            "Beyond the article: the sparser model also leaves less of its input's energy "
                            "unexplained (loss / expected weighted input energy).",
                            "not in the article");
  r.from_article = false;
  r.measured = fmt::format("relative loss {:.3f} -> {:.3f}", relative_loss(denser), relative_loss(sparser));
  r.threshold = "lower";
  r.verdict = verdict_of(relative_loss(sparser) < relative_loss(denser));
  return r;
}

ClaimResult check_more_features_when_sparser(const RunResults& denser, const RunResults& sparser,
                                             const Thresholds& t) {
  ClaimResult r = make_pair(denser, sparser, "more_features",
                            "More sparsity never represents fewer features.", "Superposition and Sparsity");
  const auto before = represented(analyse(denser.model.weights), t).size();
  const auto after = represented(analyse(sparser.model.weights), t).size();
  r.measured = fmt::format("features with norm >= {}: {} -> {}", t.represented_norm, before, after);
  r.threshold = "does not decrease";
  r.verdict = verdict_of(after >= before);
  return r;
}

}  // namespace superpos
