// The claims of Elhage et al. (2022) that the paper's chapters check, each a small function of
// trained sweeps and the reviewed thresholds (report/thresholds.ini), in the same form as the
// article's claims (claims/claims.hpp). "Represented" here is the paper's reading: a row of W at
// least represented_norm long. Every reading is unchanged when a row of W flips sign.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "paper/phase_theory.hpp"
#include "analysis/superposition_readings.hpp"
#include "claims/claims.hpp"
#include "paper/sweep_results.hpp"

namespace superpos {

// The sweeps of the four chapters; a chapter whose sweep is absent gets no claims.
struct PaperSweeps {
  const SweepResults* intro = nullptr;        // 5 -> 2 over sparsity
  const SweepResults* many_linear = nullptr;  // many features, linear model
  const SweepResults* many_relu = nullptr;    // many features, ReLU model
  const SweepResults* phase = nullptr;        // 2 -> 1 over sparsity x relative importance
  const SweepResults* geometry = nullptr;     // many features of equal importance
  const SweepResults* dynamics = nullptr;     // one such model with W recorded during training
  const SweepResults* correlated = nullptr;   // feature pairs present together, as many as fit orthogonally
  const SweepResults* anticorrelated = nullptr;  // feature pairs never present together
  const SweepResults* correlated_three = nullptr;  // more correlated pairs than fit orthogonally
  const SweepResults* computation = nullptr;       // |x| through ReLU neurons, over sparsity
  const SweepResults* computation_small = nullptr;  // the same at one sparsity, several models
};

std::vector<ClaimResult> paper_claims(const PaperSweeps& sweeps, const Thresholds& t);

// The readings behind them.
// Kendall's tau-a of two equally long series: (concordant - discordant pairs) / all pairs; a tie
// in either series counts as neither. Throws for fewer than two values.
double kendall_tau(const std::vector<double>& x, const std::vector<double>& y);
// Mean over represented rows of sum_{j != i} (Ŵ_i · W_j)^2 (0 when no row is represented).
double mean_superposition(const Weights& weights, double min_norm);
// The features whose rows are represented, in feature order.
std::vector<int> represented_rows(const Weights& weights, double min_norm);
// D_i of the represented rows.
std::vector<double> represented_dimensionalities(const Weights& weights, double min_norm);

// The fractions the paper draws on its dimensionality figure.
const std::vector<double>& paper_fractions();
// The share of [low, 1] that lies within `tolerance` of one of `fractions`: what values spread
// evenly over that range would give.
double even_share_near(const std::vector<double>& fractions, double tolerance, double low);

// The longest stretch over which a curve stays within `tolerance` of `level`, read on the
// piecewise-linear curve through (ln x_k, y_k) so that its ends fall between grid points where the
// curve crosses the band's edges: a width that a denser grid refines instead of changing. x
// ascending and positive (1/(1-S)). Empty (from == to == 0) when no point of the curve is in the band.
struct Plateau {
  double from = 0.0, to = 0.0;  // in x
  int grid_points = 0;          // grid points inside it
  double log_width() const { return from > 0.0 ? std::log(to / from) : 0.0; }
};
Plateau longest_plateau(const std::vector<double>& x, const std::vector<double>& y, double level, double tolerance);

// A sweep's dimensions per feature m / ||W||_F^2 against 1/(1-S), in sparsity order: the curve
// geometry.sticks_at_half reads, and its figure draws.
struct DimensionsCurve {
  std::vector<double> inverse_density;  // 1/(1-S)
  std::vector<double> dims;
};
DimensionsCurve dimensions_curve(const SweepResults& sweep);
// The stretch geometry.sticks_at_half measures: the curve's longest within fraction_tolerance of 1/2.
Plateau half_plateau(const DimensionsCurve& curve, const Thresholds& t);

// One cell of the 2 -> 1 phase diagram; no phase when W is none of the three (reported, not guessed).
struct PhaseCell {
  double sparsity = 0.0;
  double relative_importance = 0.0;
  std::optional<SecondFeaturePhase> phase;
};
std::vector<PhaseCell> phase_cells(const SweepResults& sweep, double min_norm);

// A cell of the 2 -> 1 diagram judged against the three candidate solutions at their best
// (analysis/phase_theory.hpp), by exact expected losses: no batch noise enters.
struct TheoryCell {
  double sparsity = 0.0;
  double relative_importance = 0.0;
  std::optional<SecondFeaturePhase> trained;  // the trained model's phase (none: neither of the three)
  SecondFeaturePhase theory{};                // the phase of the lowest-loss candidate's W
  double trained_loss = 0.0;                  // the trained model's expected loss (weight decay left out)
  double best_loss = 0.0;                     // the lowest candidate's
  SecondFeaturePhase best_candidate{};        // which candidate that is
  bool restarts_disagree = false;             // its restarts' held-out losses spread by more than the tolerance
  double excess() const { return trained_loss / best_loss - 1.0; }
};
std::vector<TheoryCell> theory_cells(const SweepResults& sweep, double min_norm, double tolerance);

// The checks, one per claim.
ClaimResult check_intro_densest_two_orthogonal(const SweepResults& intro, const Thresholds& t);
ClaimResult check_intro_sparsest_all_represented(const SweepResults& intro, const Thresholds& t);
ClaimResult check_intro_antipodal_in_between(const SweepResults& intro, const Thresholds& t);
ClaimResult check_many_linear_keeps_h(const SweepResults& linear, const Thresholds& t);
ClaimResult check_many_relu_dense_like_linear(const SweepResults& relu, const Thresholds& t);
ClaimResult check_many_relu_more_features(const SweepResults& relu, const Thresholds& t);
ClaimResult check_many_relu_more_superposition(const SweepResults& relu, const Thresholds& t);
ClaimResult check_phase_all_three(const SweepResults& phase, const Thresholds& t);
ClaimResult check_phase_superposition_needs_sparsity(const SweepResults& phase, const Thresholds& t);
ClaimResult check_phase_boundary_near_one(const SweepResults& phase, const Thresholds& t);
ClaimResult check_phase_matches_theory(const SweepResults& phase, const Thresholds& t);
ClaimResult check_phase_superposition_widens(const SweepResults& phase, const Thresholds& t);
ClaimResult check_geometry_dimensions_fall(const SweepResults& geometry, const Thresholds& t);
ClaimResult check_geometry_sticks_at_half(const SweepResults& geometry, const Thresholds& t);
ClaimResult check_geometry_fractions_sticky(const SweepResults& geometry, const Thresholds& t);

// The learning dynamics: each represented feature's D_i at every snapshot of W (snapshot_every).
struct FeatureTrajectories {
  std::vector<long> steps;                       // the snapshots' steps
  std::vector<std::vector<double>> dimensionality;  // [feature][snapshot]; NaN where not represented
};
FeatureTrajectories feature_trajectories(const RunResults& run, double min_norm);
// How D_i moves: over the (feature, snapshot) pairs with D_i in the fractions' range, the share at a
// fraction (within tolerance / 2); and the jumps, the fraction a feature is at changing to another.
struct DynamicsReading {
  int pairs = 0;        // represented (feature, snapshot) pairs with D_i >= the lowest fraction - tolerance
  double near_share = 0.0;
  double even_share = 0.0;  // what values spread evenly over that range would give
  int jumps = 0;
  int features_jumping = 0;
  // The same share over the moving phase alone: a feature's snapshots before it reaches, for good,
  // the fraction it ends at. A stepwise path spends that time at intermediate fractions; a
  // continuous one passes them by. (Over all of training the final fraction dominates the share.)
  int moving_pairs = 0;
  double moving_near_share = 0.0;
};
DynamicsReading read_dynamics(const FeatureTrajectories& trajectories, double tolerance);
ClaimResult check_dynamics_jumps(const SweepResults& dynamics, const Thresholds& t);

// Correlated and anticorrelated pairs (features 2k, 2k + 1). The angle between a pair's rows, in
// degrees (NaN when either row is shorter than min_norm: no direction to read).
double pair_angle(const Weights& weights, int pair, double min_norm);
ClaimResult check_pairs_correlated_orthogonal(const SweepResults& correlated, const Thresholds& t);
ClaimResult check_pairs_anticorrelated_antipodal(const SweepResults& anticorrelated, const Thresholds& t);
ClaimResult check_pairs_correlated_closer_to_orthogonal(const SweepResults& correlated, const Thresholds& t);

// Computation in superposition (paper/computation_readings.hpp): neurons by purity at the
// densest and sparsest settings, features computed against neurons / 2, and the sign pairs of a
// model without superposition.
ClaimResult check_computation_dense_monosemantic(const SweepResults& computation, const Thresholds& t);
ClaimResult check_computation_sparse_polysemantic(const SweepResults& computation, const Thresholds& t);
ClaimResult check_computation_beyond_sign_pairs(const SweepResults& computation, const Thresholds& t);
ClaimResult check_computation_sign_pairs(const SweepResults& small, const Thresholds& t);

}  // namespace superpos
