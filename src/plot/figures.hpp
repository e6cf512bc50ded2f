// The figures of a run, drawn by gnuplot: weight rows as points in the plane, the W W^T heatmap,
// the bias, the per-feature interference and the loss curve. Each figure is written as SVG (for the
// HTML report) and PDF (vector graphics for the LaTeX report). Only this stage talks to gnuplot.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/run_results.hpp"
#include "plot/figure_file.hpp"

namespace superpos {

// The figure names a run gets, in report order; each exists as NAME.svg and NAME.pdf.
const std::vector<std::string>& figure_names();

// A figure's width in inches (SVG: 100 px per inch). Every figure uses one font size, so the report
// shows each at a share of the text width proportional to this: text then prints at one size in
// every figure.
double figure_width_inches(const std::string& name, int hidden);
inline constexpr double kWidestFigureInches = 6.4;
inline constexpr double kPanelledFigureInches = 11.6;  // weights beyond a plane: 3 panels and the key
inline constexpr double kPhoneFigureInches = 3.9;      // an explorer's panel: a phone's 390 px, shown whole
// Every figure is one of these widths (the report's tests check each SVG against them).
const std::vector<double>& figure_widths_inches();

// One font in one size for every text of every figure: 12 px in SVG (100 px per inch), 11 pt in PDF.
inline constexpr const char* kFigureFont = "DejaVu Sans";
inline constexpr int kSvgFontPixels = 12;
inline constexpr int kPdfFontPoints = 11;

// The robustness gallery: one figure per configuration, a panel per seed, six panels a row (two
// galleries of 16 seeds fit on a page).
inline constexpr int kSeedGridColumns = 6;
inline constexpr double kSeedPanelInches = kWidestFigureInches / kSeedGridColumns;
inline constexpr double kSeedGridHeaderInches = 0.4;
struct SeedPanel {
  const RunResults* run;             // the configuration trained from one seed
  std::vector<std::string> failing;  // the claims of the configuration that fail on that seed
};
// Writes OUT_DIR/CONFIG_NAME.svg and .pdf (nothing when there are no panels).
void plot_seed_grid(const std::string& config_name, const std::vector<SeedPanel>& panels,
                    const std::filesystem::path& out_dir);

// The rows of W (first two hidden dimensions) as spokes from the origin in feature colours: one
// panel's plot command and data, as the seed gallery and the paper's sweep panels draw them.
void plot_spokes(Gnuplot& gp, const Weights& w);

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
