// The figures of the paper's chapters, drawn by gnuplot through plot/figure_file.hpp, each as SVG
// and PDF at one of the report's shared widths and its one font size.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claims/thresholds.hpp"
#include "paper/sweep_results.hpp"

namespace superpos {

// One small panel per instance: the rows of W in the plane, titled with the sparsity.
void plot_sweep_panels(const SweepResults& sweep, const std::filesystem::path& out_stem);
// For five sparsities spread over the sweep: W W^T above, the row norms below as bars coloured by
// each feature's superposition sum_{j != i} (Ŵ_i · W_j)^2.
void plot_interactions_and_norms(const SweepResults& sweep, const std::filesystem::path& out_stem);
// The 2 -> 1 phase diagram: a cell per (sparsity, relative importance), coloured by phase.
void plot_phase_diagram(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem);
// Dimensions per feature m / ||W||_F^2 against 1/(1 - S), with 1/2 marked.
void plot_dimensions_per_feature(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem);
// Each represented feature's D_i against 1/(1 - S), with the paper's fractions as lines.
void plot_feature_dimensionality(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem);

// The learning dynamics of a sweep's first instance: each represented feature's D_i at every
// snapshot of W, with the paper's fractions as lines, and the loss below.
void plot_learning_dynamics(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem);

// The computation model of each instance: its W1 as a heatmap, a row per neuron (grouped by the
// feature it reads most, then by sign) and a column per feature (the first 40 at most), titled
// with the sparsity and the counts of monosemantic neurons and computed features.
void plot_neuron_weights(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem);
// The features plot_neuron_weights shows: the first min(features, 40).
int shown_neuron_features(const SweepResults& sweep);

// One instance of a sweep at a phone's width, for the HTML explorer (SVG only): its rows of W in
// the plane (two hidden dimensions), its row norms coloured by superposition with each represented
// feature's D_i; for the computation model, its W1 as a heatmap.
void plot_instance_panel(const SweepResults& sweep, std::size_t k, const Thresholds& t, const std::filesystem::path& svg);
// What the page's hover reads on that panel (templates/report.html): each plot's box, as fractions
// of the image from its top-left corner, its axes, and its numbers at three significant digits:
// "points" (each row of W), "bars" (each feature's norm, D_i when represented, and superposition) or
// "cells" (W1, a row per neuron in the panel's order).
nlohmann::ordered_json instance_panel_hover(const SweepResults& sweep, std::size_t k, double represented_norm);

// The computation model's neurons in the order its figures show them: grouped by the feature each
// reads most, then by the sign it reads it with; neurons that read nothing last.
std::vector<int> neurons_by_feature(const ToyModel& model);

// The five instances the interactions figure shows: spread evenly over the sweep, densest and
// sparsest included (all of them when there are five or fewer), in sparsity order.
std::vector<std::size_t> shown_instances(const SweepResults& sweep);

}  // namespace superpos
