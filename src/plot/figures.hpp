// The figures of a run, drawn by gnuplot: weight rows as points in the plane, the W W^T heatmap,
// the bias, the per-feature interference and the loss curve. Each figure is written as SVG (for the
// HTML report) and PDF (vector graphics for the LaTeX report). Only this stage talks to gnuplot.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/run_results.hpp"

namespace superpos {

// The figure names a run gets, in report order; each exists as NAME.svg and NAME.pdf.
const std::vector<std::string>& figure_names();

// A figure's width in inches (SVG: 100 px per inch). Every figure uses one font size, so the report
// shows each at a share of the text width proportional to this: text then prints at one size in
// every figure.
double figure_width_inches(const std::string& name, int hidden);
inline constexpr double kWidestFigureInches = 6.4;

// The colour of feature i, the same in every figure (Okabe-Ito, safe for colour-blind readers).
std::string feature_colour(int feature);

// Writes every figure of `run` into `out_dir`, each atomically, then `figures.json` listing them.
// `only` limits the figures drawn to those names (all when empty).
void plot_run_figures(const RunResults& run, const std::filesystem::path& out_dir,
                      const std::vector<std::string>& only = {});

// The rows of W of two versions of one run in one plane (the first two hidden dimensions):
// `before` hollow, `after` filled, an arrow from each old row to its new place. Writes
// weights-change.svg and weights-change.pdf into `out_dir`.
void plot_weights_change(const RunResults& before, const RunResults& after, const std::filesystem::path& out_dir);

}  // namespace superpos
