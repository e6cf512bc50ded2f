#include "paper/paper_claims.hpp"

#include "paper/computation_readings.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <stdexcept>

#include "analysis/feature_measures.hpp"
#include "train/trainer.hpp"

namespace superpos {
namespace {

constexpr const char* kIntro = "Elhage et al., introduction (figure of 5 features in 2 dimensions)";
constexpr const char* kDemonstrating = "Elhage et al., “Demonstrating Superposition”";
constexpr const char* kPhase = "Elhage et al., “Superposition as a Phase Change”";
constexpr const char* kGeometry = "Elhage et al., “The Geometry of Superposition”";
constexpr const char* kDynamics = "Elhage et al., “Superposition and Learning Dynamics”";
constexpr const char* kCorrelated = "Elhage et al., “Correlated and Anticorrelated Features”";
constexpr const char* kComputation = "Elhage et al., “Computation in Superposition”";

ClaimResult claim(std::string id, std::string subject, std::string statement, std::string section,
                  std::string measured, std::string threshold, bool holds) {
  ClaimResult c;
  c.id = std::move(id);
  c.subject = std::move(subject);
  c.statement = std::move(statement);
  c.section = std::move(section);
  c.measured = std::move(measured);
  c.threshold = std::move(threshold);
  c.verdict = holds ? Verdict::holds : Verdict::fails;
  return c;
}

std::string sparsity_text(double s) { return fmt::format("S = {:.3g}", s); }

const SweepInstance& densest(const SweepResults& sweep) {
  return *std::min_element(sweep.instances.begin(), sweep.instances.end(),
                           [](const auto& a, const auto& b) { return a.sparsity < b.sparsity; });
}
const SweepInstance& sparsest(const SweepResults& sweep) {
  return *std::max_element(sweep.instances.begin(), sweep.instances.end(),
                           [](const auto& a, const auto& b) { return a.sparsity < b.sparsity; });
}
// Instances in sparsity order (a listed sweep need not be sorted).
std::vector<const SweepInstance*> by_sparsity(const SweepResults& sweep) {
  std::vector<const SweepInstance*> out;
  for (const SweepInstance& i : sweep.instances) out.push_back(&i);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->sparsity < b->sparsity; });
  return out;
}

double angle_degrees(const Weights& w, int i, int j) {
  const Eigen::VectorXd a = w.row(i).cast<double>(), b = w.row(j).cast<double>();
  const double cosine = std::clamp(a.dot(b) / (a.norm() * b.norm()), -1.0, 1.0);
  return std::acos(cosine) * 180.0 / M_PI;
}

std::string feature_list(const std::vector<int>& rows) {
  if (rows.empty()) return "none";
  return fmt::format("{}", fmt::join(rows, ", "));
}

// Whether `rows` are `count` features none of which is less important than a feature left out
// (with equal importance, any `count` features are).
bool are_most_important(const std::vector<int>& rows, int count, int features, double decay) {
  if (static_cast<int>(rows.size()) != count) return false;
  const Eigen::VectorXf importance = feature_importance(features, decay);
  float least_kept = std::numeric_limits<float>::infinity(), most_dropped = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < features; ++i) {
    const bool kept = std::find(rows.begin(), rows.end(), i) != rows.end();
    if (kept) least_kept = std::min(least_kept, importance[i]);
    else most_dropped = std::max(most_dropped, importance[i]);
  }
  return least_kept >= most_dropped;
}

struct KeepsH {
  bool holds = false;
  std::string measured;
};
// The linear picture: exactly H represented rows, the most important, with mean superposition near 0.
KeepsH keeps_h(const SweepInstance& instance, const Thresholds& t) {
  const TrainSettings& s = instance.run.config.train;
  const Weights& w = instance.run.model.weights;
  const std::vector<int> rows = represented_rows(w, t.represented_norm);
  const double superposition = mean_superposition(w, t.represented_norm);
  const bool most = are_most_important(rows, s.hidden, s.features, instance.importance_decay);
  return {most && superposition <= t.near_zero,
          fmt::format("{}: features {} represented, mean superposition {:.3f}", sparsity_text(instance.sparsity),
                      feature_list(rows), superposition)};
}

std::string series(const std::vector<const SweepInstance*>& sorted, const std::vector<double>& values_in_order,
                   const char* format) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < sorted.size(); ++k) parts.push_back(fmt::format(fmt::runtime(format), values_in_order[k]));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

double kendall_tau(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) throw std::invalid_argument("kendall_tau: needs two series of >= 2 equal length");
  long long score = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[j] - x[i], dy = y[j] - y[i];
      if (dx == 0.0 || dy == 0.0) continue;
      score += (dx > 0) == (dy > 0) ? 1 : -1;
    }
  const double pairs = static_cast<double>(x.size()) * static_cast<double>(x.size() - 1) / 2.0;
  return static_cast<double>(score) / pairs;
}

std::vector<int> represented_rows(const Weights& weights, double min_norm) {
  std::vector<int> rows;
  for (Eigen::Index i = 0; i < weights.rows(); ++i)
    if (weights.row(i).cast<double>().norm() >= min_norm) rows.push_back(static_cast<int>(i));
  return rows;
}

double mean_superposition(const Weights& weights, double min_norm) {
  const std::vector<int> rows = represented_rows(weights, min_norm);
  if (rows.empty()) return 0.0;
  const FeatureMeasures m = feature_measures(weights);
  double sum = 0.0;
  for (int i : rows) sum += m.superposition[i];
  return sum / static_cast<double>(rows.size());
}

std::vector<double> represented_dimensionalities(const Weights& weights, double min_norm) {
  const FeatureMeasures m = feature_measures(weights);
  std::vector<double> out;
  for (int i : represented_rows(weights, min_norm)) out.push_back(m.dimensionality[i]);
  return out;
}

const std::vector<double>& paper_fractions() {
  static const std::vector<double> fractions = {1.0, 3.0 / 4, 2.0 / 3, 1.0 / 2, 2.0 / 5, 1.0 / 3};
  return fractions;
}

double even_share_near(const std::vector<double>& fractions, double tolerance, double low) {
  if (!(low < 1.0)) throw std::invalid_argument("even_share_near: the range [low, 1] is empty");
  std::vector<std::pair<double, double>> bands;
  for (double f : fractions) bands.emplace_back(std::max(low, f - tolerance), std::min(1.0, f + tolerance));
  std::sort(bands.begin(), bands.end());
  double covered = 0.0, reached = low;
  for (const auto& [from, to] : bands) {
    const double start = std::max(from, reached);
    if (to > start) {
      covered += to - start;
      reached = to;
    }
  }
  return covered / (1.0 - low);
}

Plateau longest_plateau(const std::vector<double>& x, const std::vector<double>& y, double level, double tolerance) {
  if (x.size() != y.size()) throw std::invalid_argument("longest_plateau: x and y differ in length");
  const double low = level - tolerance, high = level + tolerance;
  auto inside = [&](double v) { return v >= low && v <= high; };
  Plateau best, current;
  bool found = false, open = false;  // open: `current` reaches the last grid point looked at
  auto close = [&] {
    if (open && (!found || current.log_width() > best.log_width())) best = current, found = true;
    open = false;
  };
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (!(x[k] > 0.0) || (k > 0 && !(x[k] > x[k - 1]))) throw std::invalid_argument("longest_plateau: x must ascend from above 0");
    if (k > 0) {
      // The stretch of segment [k-1, k] inside the band, as fractions a <= b of it.
      const double y0 = y[k - 1], y1 = y[k], dy = y1 - y0;
      double a = 0.0, b = 1.0;
      if (dy == 0.0) {
        if (!inside(y0)) a = 1.0, b = 0.0;
      } else {
        const double t_low = (low - y0) / dy, t_high = (high - y0) / dy;
        a = std::max(0.0, std::min(t_low, t_high));
        b = std::min(1.0, std::max(t_low, t_high));
      }
      const double u0 = std::log(x[k - 1]), u1 = std::log(x[k]);
      auto at = [&](double f) { return f <= 0.0 ? x[k - 1] : f >= 1.0 ? x[k] : std::exp(u0 + f * (u1 - u0)); };
      if (a <= b) {
        if (!(open && a == 0.0)) {  // a stretch that does not continue the open one starts anew
          close();
          current = Plateau{at(a), at(a), 0};
          open = true;
        }
        current.to = at(b);
        if (b < 1.0) close();
      } else {
        close();
      }
    }
    if (inside(y[k])) {
      if (!open) {
        close();
        current = Plateau{x[k], x[k], 0};
        open = true;
      }
      ++current.grid_points;
    } else {
      close();
    }
  }
  close();
  return best;
}

std::vector<PhaseCell> phase_cells(const SweepResults& sweep, double min_norm) {
  std::vector<PhaseCell> cells;
  for (const SweepInstance& instance : sweep.instances) {
    PhaseCell cell{instance.sparsity, instance.importance_decay, std::nullopt};
    try {
      cell.phase = second_feature_phase(instance.run.model.weights, min_norm);
    } catch (const std::runtime_error&) {
      // Neither phase: the cell is drawn and counted as unclassified.
    }
    cells.push_back(cell);
  }
  return cells;
}

std::vector<TheoryCell> theory_cells(const SweepResults& sweep, double min_norm, double tolerance) {
  std::vector<TheoryCell> cells;
  for (const SweepInstance& instance : sweep.instances) {
    const Weights& w = instance.run.model.weights;
    if (w.rows() != 2 || w.cols() != 1 || instance.run.model.bias.size() != 2)
      throw std::invalid_argument(fmt::format("theory_cells: W is {} x {} with {} biases, not 2 x 1 with 2", w.rows(),
                                              w.cols(), instance.run.model.bias.size()));
    const Eigen::VectorXf weights = loss_weights(instance.run.config.train);
    const std::array<double, 2> c = {weights[0], weights[1]};
    const double p = 1.0 - instance.sparsity;
    TheoryCell cell;
    cell.sparsity = instance.sparsity;
    cell.relative_importance = instance.importance_decay;
    try {
      cell.trained = second_feature_phase(w, min_norm);
    } catch (const std::runtime_error&) {
    }
    const ToyModel& m = instance.run.model;
    cell.trained_loss = expected_loss_2x1({w(0, 0), w(1, 0), m.bias[0], m.bias[1]}, p, c);
    const CandidateLosses candidates = candidate_losses(p, c);
    cell.best_candidate = candidates.best();
    cell.best_loss = candidates.of(cell.best_candidate);
    // The theory's phase is read from the best candidate's W as the trained one's is: an antipodal
    // optimum with one weight under min_norm is a dropped feature, as a trained one would be.
    cell.theory = cell.best_candidate;
    if (cell.best_candidate == SecondFeaturePhase::superposition) {
      Weights best(2, 1);
      best << static_cast<float>(candidates.best_superposition.w1), static_cast<float>(candidates.best_superposition.w2);
      try {
        cell.theory = second_feature_phase(best, min_norm);
      } catch (const std::runtime_error&) {
      }
    }
    if (instance.restart_losses.size() > 1) {
      const auto [low, high] = std::minmax_element(instance.restart_losses.begin(), instance.restart_losses.end());
      cell.restarts_disagree = *high > (1.0 + tolerance) * *low;
    }
    cells.push_back(cell);
  }
  return cells;
}

ClaimResult check_intro_densest_two_orthogonal(const SweepResults& intro, const Thresholds& t) {
  const SweepInstance& d = densest(intro);
  const Weights& w = d.run.model.weights;
  const std::vector<int> rows = represented_rows(w, t.represented_norm);
  double worst = 0.0;
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b) worst = std::max(worst, std::abs(angle_degrees(w, rows[a], rows[b]) - 90.0));
  const int hidden = d.run.config.train.hidden;
  const bool holds = static_cast<int>(rows.size()) == hidden && worst <= t.orthogonal_tolerance_degrees;
  return claim("intro.densest_two_orthogonal", "intro",
               "The densest model represents as many features as it has dimensions, on orthogonal directions (what PCA gives)",
               kIntro,
               fmt::format("{}: features {} represented (of {}), at most {:.2f}° from orthogonal",
                           sparsity_text(d.sparsity), feature_list(rows), w.rows(), worst),
               fmt::format("exactly {} rows of norm ≥ {}, pairwise within {}° of 90°", hidden, t.represented_norm,
                           t.orthogonal_tolerance_degrees),
               holds);
}

ClaimResult check_intro_sparsest_all_represented(const SweepResults& intro, const Thresholds& t) {
  const SweepInstance& s = sparsest(intro);
  const Weights& w = s.run.model.weights;
  const std::vector<int> rows = represented_rows(w, t.represented_norm);
  const double shortest = w.cast<double>().rowwise().norm().minCoeff();
  return claim("intro.sparsest_all_represented", "intro", "The sparsest model represents every feature", kIntro,
               fmt::format("{}: {} of {} features represented (shortest row {:.2f})", sparsity_text(s.sparsity),
                           rows.size(), w.rows(), shortest),
               fmt::format("every row of norm ≥ {}", t.represented_norm),
               static_cast<Eigen::Index>(rows.size()) == w.rows());
}

ClaimResult check_intro_antipodal_in_between(const SweepResults& intro, const Thresholds& t) {
  const double low = densest(intro).sparsity, high = sparsest(intro).sparsity;
  std::vector<std::string> found;
  for (const SweepInstance* i : by_sparsity(intro)) {
    if (i->sparsity == low || i->sparsity == high) continue;
    const auto pairs = antipodal_pairs(i->run.model.weights, t.represented_norm, t.line_tolerance_degrees);
    if (!pairs.empty()) {
      std::vector<std::string> names;
      for (const auto& [a, b] : pairs) names.push_back(fmt::format("{}–{}", a, b));
      found.push_back(fmt::format("{} ({})", sparsity_text(i->sparsity), fmt::join(names, ", ")));
    }
  }
  return claim("intro.antipodal_in_between", "intro",
               "Between the densest and the sparsest, features pair up antipodally (two features on one line, opposite signs)",
               kIntro,
               found.empty() ? std::string("no antipodal pair at any sparsity in between")
                             : fmt::format("antipodal pairs at {}", fmt::join(found, "; ")),
               fmt::format("a pair of represented rows within {}° of opposite, at a sparsity strictly between", t.line_tolerance_degrees),
               !found.empty());
}

ClaimResult check_many_linear_keeps_h(const SweepResults& linear, const Thresholds& t) {
  int good = 0;
  std::string first_bad;
  for (const SweepInstance* i : by_sparsity(linear)) {
    const KeepsH k = keeps_h(*i, t);
    if (k.holds) ++good;
    else if (first_bad.empty()) first_bad = k.measured;
  }
  const int n = static_cast<int>(linear.instances.size());
  const int hidden = linear.config.train.hidden;
  return claim("many.linear_keeps_h", "many",
               fmt::format("The linear model represents exactly its {} dimensions' worth of features, the most important, "
                           "without superposition, at every sparsity", hidden),
               kDemonstrating,
               fmt::format("{} of {} sparsities{}", good, n, first_bad.empty() ? "" : "; first that does not: " + first_bad),
               fmt::format("at every sparsity: exactly the {} most important rows of norm ≥ {}, mean superposition ≤ {}",
                           hidden, t.represented_norm, t.near_zero),
               good == n);
}

ClaimResult check_many_relu_dense_like_linear(const SweepResults& relu, const Thresholds& t) {
  const KeepsH k = keeps_h(densest(relu), t);
  return claim("many.relu_dense_like_linear", "many",
               "With no sparsity the ReLU model does what the linear one does: the most important features, no superposition",
               kDemonstrating, k.measured,
               fmt::format("exactly the {} most important rows of norm ≥ {}, mean superposition ≤ {}",
                           relu.config.train.hidden, t.represented_norm, t.near_zero),
               k.holds);
}

ClaimResult check_many_relu_more_features(const SweepResults& relu, const Thresholds& t) {
  const auto sorted = by_sparsity(relu);
  std::vector<double> s, counts;
  for (const SweepInstance* i : sorted) {
    s.push_back(i->sparsity);
    counts.push_back(static_cast<double>(represented_rows(i->run.model.weights, t.represented_norm).size()));
  }
  const double tau = kendall_tau(s, counts);
  return claim("many.relu_more_features", "many", "The ReLU model represents more features as sparsity grows",
               kDemonstrating,
               fmt::format("represented features {} from {} to {}; Kendall's τ = {:.2f}", series(sorted, counts, "{:.0f}"),
                           sparsity_text(s.front()), sparsity_text(s.back()), tau),
               fmt::format("τ(sparsity, represented features) ≥ {}", t.trend_agreement), tau >= t.trend_agreement);
}

ClaimResult check_many_relu_more_superposition(const SweepResults& relu, const Thresholds& t) {
  const auto sorted = by_sparsity(relu);
  std::vector<double> s, values;
  for (const SweepInstance* i : sorted) {
    s.push_back(i->sparsity);
    values.push_back(mean_superposition(i->run.model.weights, t.represented_norm));
  }
  const double tau = kendall_tau(s, values);
  return claim("many.relu_more_superposition", "many",
               "The ReLU model's mean superposition per represented feature grows with sparsity", kDemonstrating,
               fmt::format("mean superposition {}; Kendall's τ = {:.2f}", series(sorted, values, "{:.2f}"), tau),
               fmt::format("τ(sparsity, mean superposition) ≥ {}", t.trend_agreement), tau >= t.trend_agreement);
}

ClaimResult check_phase_all_three(const SweepResults& phase, const Thresholds& t) {
  int counts[3] = {0, 0, 0}, unclassified = 0;
  const auto cells = phase_cells(phase, t.represented_norm);
  for (const PhaseCell& c : cells) {
    if (c.phase) ++counts[static_cast<int>(*c.phase)];
    else ++unclassified;
  }
  return claim("phase.all_three", "phase",
               "All three phases occur: feature 2 not represented, feature 2 takes the dimension, superposition", kPhase,
               fmt::format("of {} cells: {} not represented, {} takes the dimension, {} superposition, {} none of these",
                           cells.size(), counts[0], counts[1], counts[2], unclassified),
               "at least one cell of each phase", counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
}

ClaimResult check_phase_superposition_needs_sparsity(const SweepResults& phase, const Thresholds& t) {
  const auto cells = phase_cells(phase, t.represented_norm);
  const double dense = densest(phase).sparsity;
  int dense_superposed = 0, dense_cells = 0;
  double lowest = 2.0;
  for (const PhaseCell& c : cells) {
    const bool superposed = c.phase == SecondFeaturePhase::superposition;
    if (c.sparsity == dense) {
      ++dense_cells;
      if (superposed) ++dense_superposed;
    }
    if (superposed) lowest = std::min(lowest, c.sparsity);
  }
  const std::string measured =
      lowest > 1.0 ? std::string("no superposition at any sparsity")
                   : fmt::format("superposition in {} of {} cells at {}; the lowest sparsity with superposition is {:.3g}",
                                 dense_superposed, dense_cells, sparsity_text(dense), lowest);
  return claim("phase.superposition_needs_sparsity", "phase",
               "Superposition occurs only above some sparsity: never in the densest models", kPhase, measured,
               "no superposition cell at the densest sparsity, and some at a higher one",
               dense_superposed == 0 && lowest <= 1.0);
}

ClaimResult check_phase_boundary_near_one(const SweepResults& phase, const Thresholds& t) {
  const double dense = densest(phase).sparsity;
  double last_not = 0.0, first_takes = 1e300;
  bool any_not = false, any_takes = false;
  std::vector<double> importances;
  for (const PhaseCell& c : phase_cells(phase, t.represented_norm)) {
    importances.push_back(c.relative_importance);
    if (c.sparsity != dense || !c.phase) continue;
    if (*c.phase == SecondFeaturePhase::not_represented) {
      any_not = true;
      last_not = std::max(last_not, c.relative_importance);
    }
    if (*c.phase == SecondFeaturePhase::takes_the_dimension) {
      any_takes = true;
      first_takes = std::min(first_takes, c.relative_importance);
    }
  }
  std::sort(importances.begin(), importances.end());
  importances.erase(std::unique(importances.begin(), importances.end()), importances.end());
  if (importances.size() < 2 || !any_not || !any_takes) {
    return claim("phase.boundary_near_one", "phase",
                 "In the densest models the boundary between “not represented” and “takes the dimension” is near relative importance 1",
                 kPhase,
                 fmt::format("at {}: {}", sparsity_text(dense),
                             !any_not ? "no cell where feature 2 is not represented" : "no cell where feature 2 takes the dimension"),
                 "both phases present, on either side of one boundary", false);
  }
  // The grid's step: the largest ratio between neighbouring relative importances.
  double step = 1.0;
  for (std::size_t k = 1; k < importances.size(); ++k) step = std::max(step, importances[k] / importances[k - 1]);
  const double boundary = std::sqrt(last_not * first_takes);
  const double steps_from_one = std::abs(std::log(boundary)) / std::log(step);
  const bool clean = last_not < first_takes;
  return claim("phase.boundary_near_one", "phase",
               "In the densest models the boundary between “not represented” and “takes the dimension” is near relative importance 1",
               kPhase,
               fmt::format("at {}: not represented up to {:.3g}, takes the dimension from {:.3g}; boundary ≈ {:.3g}, "
                           "{:.2f} grid steps (×{:.3g}) from 1{}",
                           sparsity_text(dense), last_not, first_takes, boundary, steps_from_one, step,
                           clean ? "" : "; the phases interleave"),
               fmt::format("one boundary, within {} grid step(s) of 1", t.phase_boundary_steps),
               clean && steps_from_one <= t.phase_boundary_steps);
}

ClaimResult check_phase_matches_theory(const SweepResults& phase, const Thresholds& t) {
  const std::vector<TheoryCell> cells = theory_cells(phase, t.represented_norm, t.phase_loss_tolerance);
  int losing = 0, agree = 0;
  const TheoryCell* worst = nullptr;
  std::vector<double> at_best;  // the excess of cells trained into the best candidate's phase: training's noise
  for (const TheoryCell& c : cells) {
    if (c.trained == c.theory) ++agree;
    if (c.excess() > t.phase_loss_tolerance) ++losing;
    if (!worst || c.excess() > worst->excess()) worst = &c;
    if (c.trained == c.theory) at_best.push_back(c.excess());
  }
  std::sort(at_best.begin(), at_best.end());
  const double noise = at_best.empty() ? 0.0 : at_best[std::min(at_best.size() - 1, at_best.size() * 9 / 10)];
  const int restarts = phase.config.restarts;
  std::string measured = fmt::format("{} of {} cells lose to a candidate by more than {:g}%", losing, cells.size(),
                                     100 * t.phase_loss_tolerance);
  if (worst && worst->excess() > t.phase_loss_tolerance)
    measured += fmt::format(" (worst: 1/(1−S) = {:.3g}, relative importance {:.3g}, loss {:.3g} against the {} "
                            "candidate's {:.3g}, {:.1f} times it)",
                            1.0 / (1.0 - worst->sparsity), worst->relative_importance, worst->trained_loss,
                            to_string(worst->best_candidate), worst->best_loss, worst->trained_loss / worst->best_loss);
  measured += fmt::format("; the trained phase is the theory's in {} of {} cells; cells in the theory's phase sit "
                          "within {:.2g}% of its loss (9 in 10 of them); {} restart{} per cell",
                          agree, cells.size(), 100 * noise, restarts, restarts == 1 ? "" : "s");
  return claim("phase.matches_theory", "phase",
               "Each cell's trained model is the best of the three candidate solutions, so the measured diagram is the "
               "theoretical one and no cell is a local minimum of training",
               kPhase, measured,
               fmt::format("no cell's expected loss more than {:g}% above the best candidate's", 100 * t.phase_loss_tolerance),
               losing == 0);
}

ClaimResult check_phase_superposition_widens(const SweepResults& phase, const Thresholds& t) {
  std::map<double, int> per_sparsity;
  for (const PhaseCell& c : phase_cells(phase, t.represented_norm))
    per_sparsity[c.sparsity] += c.phase == SecondFeaturePhase::superposition ? 1 : 0;
  std::vector<double> s, counts;
  for (const auto& [sparsity, count] : per_sparsity) {
    s.push_back(sparsity);
    counts.push_back(count);
  }
  const double tau = s.size() >= 2 ? kendall_tau(s, counts) : 0.0;
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < s.size(); ++k) parts.push_back(fmt::format("{:.0f}", counts[k]));
  return claim("phase.superposition_widens", "phase",
               "The superposition region widens as sparsity grows: more relative importances superpose at higher sparsity",
               kPhase,
               fmt::format("superposition cells per sparsity, from {} to {}: {}; Kendall's τ = {:.2f}", sparsity_text(s.front()),
                           sparsity_text(s.back()), fmt::join(parts, ", "), tau),
               fmt::format("τ(sparsity, superposition cells) ≥ {}", t.trend_agreement), tau >= t.trend_agreement);
}

ClaimResult check_geometry_dimensions_fall(const SweepResults& geometry, const Thresholds& t) {
  const auto sorted = by_sparsity(geometry);
  std::vector<double> s, dims;
  for (const SweepInstance* i : sorted) {
    s.push_back(i->sparsity);
    dims.push_back(dimensions_per_feature(i->run.model.weights));
  }
  const double tau = kendall_tau(s, dims);
  return claim("geometry.dimensions_fall", "geometry", "Dimensions per feature fall as sparsity grows", kGeometry,
               fmt::format("from {:.3f} at {} to {:.3f} at {}; Kendall's τ = {:.2f}", dims.front(), sparsity_text(s.front()),
                           dims.back(), sparsity_text(s.back()), tau),
               fmt::format("τ(sparsity, dimensions per feature) ≤ −{}", t.trend_agreement), tau <= -t.trend_agreement);
}

DimensionsCurve dimensions_curve(const SweepResults& sweep) {
  DimensionsCurve curve;
  for (const SweepInstance* i : by_sparsity(sweep)) {
    curve.inverse_density.push_back(1.0 / (1.0 - i->sparsity));
    curve.dims.push_back(dimensions_per_feature(i->run.model.weights));
  }
  return curve;
}

Plateau half_plateau(const DimensionsCurve& curve, const Thresholds& t) {
  return longest_plateau(curve.inverse_density, curve.dims, 0.5, t.fraction_tolerance);
}

ClaimResult check_geometry_sticks_at_half(const SweepResults& geometry, const Thresholds& t) {
  const DimensionsCurve curve = dimensions_curve(geometry);
  const std::vector<double>&x = curve.inverse_density, &dims = curve.dims;
  // What a curve falling at the sweep's mean rate (per factor e of 1/(1-S)) would spend in the
  // band: a plateau is a stretch where the fall is at most 1/plateau_flatness of that rate.
  const double span = std::log(x.back() / x.front());
  const double mean_fall = span > 0.0 ? (dims.front() - dims.back()) / span : 0.0;
  const double steady_width = mean_fall > 0.0 ? 2.0 * t.fraction_tolerance / mean_fall : HUGE_VAL;
  const Plateau p = half_plateau(curve, t);
  double grid_step = 1.0;
  for (std::size_t k = 1; k < x.size(); ++k) grid_step = std::max(grid_step, x[k] / x[k - 1]);
  const std::string measured =
      p.grid_points == 0
          ? fmt::format("no sparsity within 1/2 ± {:.3f}; the sweep falls {:.3f} per factor e of 1/(1−S)",
                        t.fraction_tolerance, mean_fall)
          : fmt::format("within 1/2 ± {:.3f} from 1/(1−S) = {:.3g} to {:.3g} ({} grid points; grid step ×{:.3g}): a factor "
                        "{:.2f}, in log scale {:.1f} times the factor {:.2f} that a steady fall at the sweep's mean rate "
                        "({:.3f} per factor e) would spend there",
                        t.fraction_tolerance, p.from, p.to, p.grid_points, grid_step, std::exp(p.log_width()),
                        p.log_width() / steady_width, std::exp(steady_width), mean_fall);
  return claim("geometry.sticks_at_half", "geometry", "Dimensions per feature stick at 1/2 over a range of sparsities",
               kGeometry, measured,
               fmt::format("a stretch of 1/(1−S) at least {:g} times as wide (in log scale) as a steady fall would "
                           "spend in the band, with at least 2 grid points in it",
                           t.plateau_flatness),
               p.grid_points >= 2 && p.log_width() >= t.plateau_flatness * steady_width);
}

ClaimResult check_geometry_fractions_sticky(const SweepResults& geometry, const Thresholds& t) {
  const double low = paper_fractions().back() - t.fraction_tolerance;
  std::vector<double> in_range, all;
  int instances = 0;
  for (const SweepInstance& i : geometry.instances) {
    const std::vector<double> d = represented_dimensionalities(i.run.model.weights, t.represented_norm);
    all.insert(all.end(), d.begin(), d.end());
    if (dimensions_per_feature(i.run.model.weights) < low) continue;
    ++instances;
    in_range.insert(in_range.end(), d.begin(), d.end());
  }
  const double share = share_near(in_range, paper_fractions(), t.fraction_tolerance);
  const double chance = even_share_near(paper_fractions(), t.fraction_tolerance, low);
  const double share_all = share_near(all, paper_fractions(), t.fraction_tolerance);
  return claim("geometry.fractions_sticky", "geometry",
               "Most represented features have a dimensionality D_i near one of 1, 3/4, 2/3, 1/2, 2/5, 1/3",
               kGeometry,
               fmt::format("{:.0f}% of {} represented features, in the {} sparsities whose dimensions per feature are "
                           "≥ {:.3f}; values spread evenly would give {:.0f}%. Over every sparsity: {:.0f}% of {}",
                           100 * share, in_range.size(), instances, low, 100 * chance, 100 * share_all, all.size()),
               fmt::format("more than half, and more than an even spread, within ±{:.3f} of a fraction", t.fraction_tolerance),
               !in_range.empty() && share > 0.5 && share > chance);
}

FeatureTrajectories feature_trajectories(const RunResults& run, double min_norm) {
  FeatureTrajectories out;
  const int features = run.config.train.features;
  out.dimensionality.assign(static_cast<std::size_t>(features), {});
  for (const WeightSnapshot& snapshot : run.snapshots) {
    out.steps.push_back(snapshot.step);
    const FeatureMeasures m = feature_measures(snapshot.weights);
    for (int i = 0; i < features; ++i) {
      const bool represented = snapshot.weights.row(i).cast<double>().norm() >= min_norm;
      out.dimensionality[static_cast<std::size_t>(i)].push_back(represented ? m.dimensionality[i] : std::nan(""));
    }
  }
  return out;
}

DynamicsReading read_dynamics(const FeatureTrajectories& trajectories, double tolerance) {
  DynamicsReading r;
  const double low = paper_fractions().back() - tolerance;
  // "At" a fraction is within half the tolerance: the full tolerance makes the bands of 1/3 and
  // 2/5 touch, so a feature hovering between them would count as sitting at both in turn.
  tolerance /= 2;
  int near = 0, moving_near = 0;
  for (const std::vector<double>& series : trajectories.dimensionality) {
    // Per snapshot: the fraction D_i is at, -1 between fractions, -2 not read (not represented, or
    // under the fractions' range).
    std::vector<int> at;
    for (const double d : series) {
      if (std::isnan(d) || d < low) {
        at.push_back(-2);
        continue;
      }
      int fraction = -1;
      for (std::size_t f = 0; f < paper_fractions().size(); ++f)
        if (std::abs(d - paper_fractions()[f]) <= tolerance) fraction = static_cast<int>(f);
      at.push_back(fraction);
    }
    int last_fraction = -1, jumps = 0;
    for (const int a : at) {
      if (a == -2) continue;
      ++r.pairs;
      if (a < 0) continue;
      ++near;
      if (last_fraction >= 0 && a != last_fraction) ++jumps;
      last_fraction = a;
    }
    r.jumps += jumps;
    if (jumps > 0) ++r.features_jumping;
    // The moving phase: up to the last snapshot not at the fraction the feature ends at.
    const auto read = std::find_if(at.rbegin(), at.rend(), [](int a) { return a != -2; });
    if (read == at.rend() || *read < 0) continue;  // never read, or ends between fractions
    const int final_fraction = *read;
    std::size_t end = 0;
    for (std::size_t k = 0; k < at.size(); ++k)
      if (at[k] != -2 && at[k] != final_fraction) end = k + 1;
    for (std::size_t k = 0; k < end; ++k) {
      if (at[k] == -2) continue;
      ++r.moving_pairs;
      if (at[k] >= 0) ++moving_near;
    }
  }
  r.near_share = r.pairs > 0 ? static_cast<double>(near) / r.pairs : 0.0;
  r.moving_near_share = r.moving_pairs > 0 ? static_cast<double>(moving_near) / r.moving_pairs : 0.0;
  r.even_share = even_share_near(paper_fractions(), tolerance, low);
  return r;
}

ClaimResult check_dynamics_jumps(const SweepResults& dynamics, const Thresholds& t) {
  const SweepInstance& instance = dynamics.instances.front();
  if (instance.run.snapshots.size() < 2)
    return claim("dynamics.jumps", "dynamics",
                 "Over training, features sit at the fractions and move between them in jumps", kDynamics,
                 "no snapshots of W were recorded (snapshot_every = 0)", "at least two snapshots", false);
  const DynamicsReading r = read_dynamics(feature_trajectories(instance.run, t.represented_norm), t.fraction_tolerance);
  return claim("dynamics.jumps", "dynamics",
               "Over training, features sit at the fractions and move between them in jumps", kDynamics,
               fmt::format("{} at {} snapshots of W, (feature, snapshot) pairs with D_i ≥ {:.3f}: while features move "
                           "towards the fraction they end at, {:.0f}% of {} pairs lie within {:.3f} of a fraction (values "
                           "spread evenly would give {:.0f}%); over all of training {:.0f}% of {}; {} jump{} from one "
                           "fraction to another, by {} feature{}",
                           sparsity_text(instance.sparsity), instance.run.snapshots.size(),
                           paper_fractions().back() - t.fraction_tolerance, 100 * r.moving_near_share, r.moving_pairs,
                           t.fraction_tolerance / 2, 100 * r.even_share, 100 * r.near_share, r.pairs, r.jumps,
                           r.jumps == 1 ? "" : "s", r.features_jumping, r.features_jumping == 1 ? "" : "s"),
               fmt::format("while moving: more than half, and more than an even spread, within ±{:.3f} of a fraction",
                           t.fraction_tolerance / 2),
               r.moving_pairs > 0 && r.moving_near_share > 0.5 && r.moving_near_share > r.even_share);
}

double pair_angle(const Weights& weights, int pair, double min_norm) {
  const int a = 2 * pair, b = 2 * pair + 1;
  if (weights.row(a).cast<double>().norm() < min_norm || weights.row(b).cast<double>().norm() < min_norm)
    return std::nan("");
  return angle_degrees(weights, a, b);
}

namespace {

// Per sparsity, in order: how many of a sweep's pairs have both rows represented and an angle within
// `tolerance` of `target` degrees; the claim's text lists the angles.
struct PairAngles {
  int sparsities_all = 0;  // sparsities at which every pair does
  std::vector<std::string> per_sparsity;
};
PairAngles pair_angles(const SweepResults& sweep, double target, double tolerance, double min_norm) {
  PairAngles out;
  const int pairs = sweep.config.train.features / 2;
  for (const SweepInstance* i : by_sparsity(sweep)) {
    int near = 0;
    std::vector<std::string> angles;
    for (int k = 0; k < pairs; ++k) {
      const double angle = pair_angle(i->run.model.weights, k, min_norm);
      angles.push_back(std::isnan(angle) ? std::string("–") : fmt::format("{:.0f}°", angle));
      if (!std::isnan(angle) && std::abs(angle - target) <= tolerance) ++near;
    }
    if (near == pairs) ++out.sparsities_all;
    out.per_sparsity.push_back(fmt::format("{} ({})", sparsity_text(i->sparsity), fmt::join(angles, ", ")));
  }
  return out;
}

}  // namespace

ClaimResult check_pairs_correlated_orthogonal(const SweepResults& correlated, const Thresholds& t) {
  const PairAngles a = pair_angles(correlated, 90.0, t.line_tolerance_degrees, t.represented_norm);
  const auto n = correlated.instances.size();
  return claim("pairs.correlated_orthogonal", "pairs",
               "Correlated features take orthogonal directions: each pair forms a local orthogonal basis", kCorrelated,
               fmt::format("every pair within {}° of 90° at {} of {} sparsities; pair angles {}", t.line_tolerance_degrees,
                           a.sparsities_all, n, fmt::join(a.per_sparsity, "; ")),
               fmt::format("at every sparsity, both rows of each pair of norm ≥ {} and within {}° of orthogonal",
                           t.represented_norm, t.line_tolerance_degrees),
               static_cast<std::size_t>(a.sparsities_all) == n);
}

ClaimResult check_pairs_anticorrelated_antipodal(const SweepResults& anticorrelated, const Thresholds& t) {
  const PairAngles a = pair_angles(anticorrelated, 180.0, t.line_tolerance_degrees, t.represented_norm);
  const auto n = anticorrelated.instances.size();
  return claim("pairs.anticorrelated_antipodal", "pairs",
               "Anticorrelated features take opposite directions: each pair is antipodal", kCorrelated,
               fmt::format("every pair within {}° of 180° at {} of {} sparsities; pair angles {}",
                           t.line_tolerance_degrees, a.sparsities_all, n, fmt::join(a.per_sparsity, "; ")),
               fmt::format("at every sparsity, both rows of each pair of norm ≥ {} and within {}° of opposite",
                           t.represented_norm, t.line_tolerance_degrees),
               static_cast<std::size_t>(a.sparsities_all) == n);
}

ClaimResult check_pairs_correlated_closer_to_orthogonal(const SweepResults& correlated, const Thresholds& t) {
  // With more correlated pairs than orthogonal directions, no pair can be exactly orthogonal; the
  // preference shows as pairs nearer to orthogonal than features of different pairs are.
  int closer = 0;
  std::vector<std::string> parts;
  const int features = correlated.config.train.features;
  for (const SweepInstance* i : by_sparsity(correlated)) {
    const Weights& w = i->run.model.weights;
    double within = 0.0, across = 0.0;
    int n_within = 0, n_across = 0;
    for (int a = 0; a < features; ++a)
      for (int b = a + 1; b < features; ++b) {
        if (w.row(a).cast<double>().norm() < t.represented_norm || w.row(b).cast<double>().norm() < t.represented_norm) continue;
        const double off = std::abs(angle_degrees(w, a, b) - 90.0);
        if (a / 2 == b / 2) within += off, ++n_within;
        else across += off, ++n_across;
      }
    const bool holds = n_within > 0 && n_across > 0 && within / n_within < across / n_across;
    if (holds) ++closer;
    parts.push_back(n_within > 0 && n_across > 0
                        ? fmt::format("{}: {:.0f}° within pairs, {:.0f}° across", sparsity_text(i->sparsity),
                                      within / n_within, across / n_across)
                        : fmt::format("{}: too few represented rows", sparsity_text(i->sparsity)));
  }
  const auto n = correlated.instances.size();
  return claim("pairs.correlated_closer_to_orthogonal", "pairs",
               "With more correlated pairs than dimensions allow, a pair's features are still nearer to orthogonal than "
               "features of different pairs",
               kCorrelated,
               fmt::format("at {} of {} sparsities; mean distance from 90° {}", closer, n, fmt::join(parts, "; ")),
               "at every sparsity, the mean |angle − 90°| within pairs below that across pairs",
               static_cast<std::size_t>(closer) == n);
}

static ComputationReading computation_reading(const SweepInstance& instance, const Thresholds& t) {
  return read_computation(instance.run.model, t.represented_norm, t.monosemantic_purity, t.computed_r2);
}

ClaimResult check_computation_dense_monosemantic(const SweepResults& computation, const Thresholds& t) {
  const SweepInstance& dense = densest(computation);
  const ComputationReading r = computation_reading(dense, t);
  return claim("computation.dense_monosemantic", "computation",
               "Without sparsity the neurons are monosemantic: each reads one feature", kComputation,
               fmt::format("at {}: {} of {} neurons with weight monosemantic, {} polysemantic", sparsity_text(dense.sparsity),
                           r.monosemantic, r.live, r.polysemantic),
               fmt::format("at the densest setting, more than half of the neurons with input weight ≥ {} have one feature "
                           "carrying ≥ {:g}% of it",
                           t.represented_norm, 100 * t.monosemantic_purity),
               r.live > 0 && 2 * r.monosemantic > r.live);
}

ClaimResult check_computation_sparse_polysemantic(const SweepResults& computation, const Thresholds& t) {
  const SweepInstance& sparse = sparsest(computation);
  const ComputationReading r = computation_reading(sparse, t);
  return claim("computation.sparse_polysemantic", "computation",
               "With sparse features most neurons are polysemantic: they read several features", kComputation,
               fmt::format("at {}: {} of {} neurons with weight polysemantic, {} monosemantic", sparsity_text(sparse.sparsity),
                           r.polysemantic, r.live, r.monosemantic),
               fmt::format("at the sparsest setting, more than half of the neurons with input weight ≥ {} have no feature "
                           "carrying {:g}% of it",
                           t.represented_norm, 100 * t.monosemantic_purity),
               r.live > 0 && 2 * r.polysemantic > r.live);
}

ClaimResult check_computation_beyond_sign_pairs(const SweepResults& computation, const Thresholds& t) {
  // Computing |x| takes a neuron for each sign of x, so monosemantic neurons compute at most
  // neurons / 2 features; more than that is computation in superposition.
  const int neurons = computation.config.train.hidden;
  int most = -1;
  double at = 0.0;
  std::vector<std::string> parts;
  for (const SweepInstance* i : by_sparsity(computation)) {
    const ComputationReading r = computation_reading(*i, t);
    parts.push_back(fmt::format("{}: {}", sparsity_text(i->sparsity), r.computed));
    if (r.computed > most) most = r.computed, at = i->sparsity;
  }
  return claim("computation.beyond_sign_pairs", "computation",
               "With sparsity the model computes |x| of more features than its neurons could one sign pair each",
               kComputation,
               fmt::format("at most {} features computed ({}), against {} neurons / 2 = {}; per sparsity {}", most,
                           sparsity_text(at), neurons, neurons / 2, fmt::join(parts, ", ")),
               fmt::format("at some sparsity, more than neurons / 2 features with R² ≥ {:g} on inputs of that feature alone",
                           t.computed_r2),
               2 * most > neurons);
}

ClaimResult check_computation_sign_pairs(const SweepResults& small, const Thresholds& t) {
  int whole = 0;
  std::vector<std::string> parts;
  for (const SweepInstance& i : small.instances) {
    const ComputationReading r = computation_reading(i, t);
    const bool paired = r.computed > 0 && r.polysemantic == 0 && r.sign_pairs == r.computed;
    whole += paired ? 1 : 0;
    parts.push_back(fmt::format("{} of {} computed features paired, {} of {} neurons monosemantic", r.sign_pairs,
                                r.computed, r.monosemantic, r.live));
  }
  const auto n = small.instances.size();
  return claim("computation.sign_pairs", "computation",
               "Without superposition a feature's |x| is ReLU(x) + ReLU(−x): two monosemantic neurons of opposite sign",
               kComputation,
               fmt::format("{} of {} models built only such pairs; per model: {}", whole, n, fmt::join(parts, "; ")),
               fmt::format("in every model, every neuron with input weight ≥ {} monosemantic (≥ {:g}%) and every computed "
                           "feature (R² ≥ {:g}) read by such neurons of both signs",
                           t.represented_norm, 100 * t.monosemantic_purity, t.computed_r2),
               static_cast<std::size_t>(whole) == n);
}

std::vector<ClaimResult> paper_claims(const PaperSweeps& sweeps, const Thresholds& t) {
  std::vector<ClaimResult> out;
  if (sweeps.intro) {
    out.push_back(check_intro_densest_two_orthogonal(*sweeps.intro, t));
    out.push_back(check_intro_sparsest_all_represented(*sweeps.intro, t));
    out.push_back(check_intro_antipodal_in_between(*sweeps.intro, t));
  }
  if (sweeps.many_linear) out.push_back(check_many_linear_keeps_h(*sweeps.many_linear, t));
  if (sweeps.many_relu) {
    out.push_back(check_many_relu_dense_like_linear(*sweeps.many_relu, t));
    out.push_back(check_many_relu_more_features(*sweeps.many_relu, t));
    out.push_back(check_many_relu_more_superposition(*sweeps.many_relu, t));
  }
  if (sweeps.phase) {
    out.push_back(check_phase_all_three(*sweeps.phase, t));
    out.push_back(check_phase_superposition_needs_sparsity(*sweeps.phase, t));
    out.push_back(check_phase_boundary_near_one(*sweeps.phase, t));
    out.push_back(check_phase_superposition_widens(*sweeps.phase, t));
    out.push_back(check_phase_matches_theory(*sweeps.phase, t));
  }
  if (sweeps.geometry) {
    out.push_back(check_geometry_dimensions_fall(*sweeps.geometry, t));
    out.push_back(check_geometry_sticks_at_half(*sweeps.geometry, t));
    out.push_back(check_geometry_fractions_sticky(*sweeps.geometry, t));
  }
  if (sweeps.dynamics) out.push_back(check_dynamics_jumps(*sweeps.dynamics, t));
  if (sweeps.correlated) out.push_back(check_pairs_correlated_orthogonal(*sweeps.correlated, t));
  if (sweeps.anticorrelated) out.push_back(check_pairs_anticorrelated_antipodal(*sweeps.anticorrelated, t));
  if (sweeps.correlated_three) out.push_back(check_pairs_correlated_closer_to_orthogonal(*sweeps.correlated_three, t));
  if (sweeps.computation) {
    out.push_back(check_computation_dense_monosemantic(*sweeps.computation, t));
    out.push_back(check_computation_sparse_polysemantic(*sweeps.computation, t));
    out.push_back(check_computation_beyond_sign_pairs(*sweeps.computation, t));
  }
  if (sweeps.computation_small) out.push_back(check_computation_sign_pairs(*sweeps.computation_small, t));
  return out;
}

}  // namespace superpos
