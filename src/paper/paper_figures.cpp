#include "paper/paper_figures.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "paper/computation_readings.hpp"
#include "analysis/feature_measures.hpp"
#include "analysis/superposition_readings.hpp"
#include "paper/paper_claims.hpp"
#include "plot/figure_file.hpp"
#include "plot/figures.hpp"

namespace superpos {
namespace {

using Rows = std::vector<std::vector<double>>;

// Draws `draw` as OUT_STEM.svg and OUT_STEM.pdf.
void both_formats(const std::filesystem::path& out_stem, Canvas canvas, const std::function<void(Gnuplot&)>& draw) {
  draw_figure(std::filesystem::path(out_stem.string() + ".svg"), FigureFormat::svg, canvas, draw);
  draw_figure(std::filesystem::path(out_stem.string() + ".pdf"), FigureFormat::pdf, canvas, draw);
}

std::vector<std::size_t> sparsity_order(const SweepResults& sweep) {
  std::vector<std::size_t> order(sweep.instances.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sweep.instances[a].sparsity < sweep.instances[b].sparsity; });
  return order;
}

// "#rrggbb" as the integer gnuplot's `lc rgb variable` reads.
double rgb(const std::string& hex) { return static_cast<double>(std::stoul(hex.substr(1), nullptr, 16)); }

// Superposition 0 (a feature alone on its direction) dark, 1 or more light: the paper's reading.
double superposition_colour(double value) {
  const double t = std::clamp(value, 0.0, 1.0);
  const int from[3] = {0x1f, 0x1a, 0x4a}, to[3] = {0xf2, 0xb7, 0x05};
  int rgb_value = 0;
  for (int c = 0; c < 3; ++c) rgb_value = rgb_value * 256 + static_cast<int>(std::lround(from[c] + t * (to[c] - from[c])));
  return static_cast<double>(rgb_value);
}

std::string inverse_density(double sparsity) { return fmt::format("{:.3g}", 1.0 / (1.0 - sparsity)); }

}  // namespace

std::vector<std::size_t> shown_instances(const SweepResults& sweep) {
  const std::vector<std::size_t> order = sparsity_order(sweep);
  if (order.size() <= 5) return order;
  std::vector<std::size_t> shown;
  for (int k = 0; k < 5; ++k)
    shown.push_back(order[static_cast<std::size_t>(std::lround(k * (static_cast<double>(order.size()) - 1) / 4.0))]);
  return shown;
}

namespace {

// The paper's fractions as dotted lines labelled on the right: the start of a plot command (the
// labels are set on gp, the lines returned) that the caller completes with its data.
std::string fraction_lines(Gnuplot& gp) {
  const char* labels[] = {"1", "3/4", "2/3", "1/2", "2/5", "1/3"};
  std::string plot = "plot ";
  for (std::size_t f = 0; f < paper_fractions().size(); ++f) {
    gp << fmt::format("set label {} '{}' at graph 1.01, first {} left tc rgb '#666666'\n", f + 1, labels[f],
                      paper_fractions()[f]);
    plot += fmt::format("{} with lines dt 3 lc rgb '#999999' notitle, ", paper_fractions()[f]);
  }
  return plot;
}

}  // namespace

void plot_sweep_panels(const SweepResults& sweep, const std::filesystem::path& out_stem) {
  const std::vector<std::size_t> order = sparsity_order(sweep);
  const int columns = 5;
  const int rows = (static_cast<int>(order.size()) + columns - 1) / columns;
  const double side = kWidestFigureInches / columns, header = 0.45;
  const Canvas canvas{kWidestFigureInches, header + rows * side + 0.1};
  double longest = 0.0;
  for (const SweepInstance& i : sweep.instances)
    longest = std::max(longest, i.run.model.weights.cast<double>().rowwise().norm().maxCoeff());
  const double reach = std::max(1.2, 1.1 * longest);
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << fmt::format("set multiplot title 'rows of W at each sparsity S (colour: feature 0 to {})'\n",
                      sweep.config.train.features - 1);
    gp << "unset key\nunset tics\nunset xlabel\nunset ylabel\n";
    gp << "set lmargin 0.5\nset rmargin 0.5\nset bmargin 0.5\nset tmargin 1.6\n";
    gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
    gp << "set xzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\nset yzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\n";
    gp << "set border 15 lw 0.8 lc rgb '#888888'\n";
    const double sx = side / canvas.width_in, sy = side / canvas.height_in;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const SweepInstance& instance = sweep.instances[order[k]];
      const int row = static_cast<int>(k) / columns, column = static_cast<int>(k) % columns;
      gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", column * sx,
                        1.0 - header / canvas.height_in - (row + 1) * sy, sx, sy);
      gp << fmt::format("set title 'S = {:.3g}'\n", instance.sparsity);
      plot_spokes(gp, instance.run.model.weights);
    }
    gp << "unset multiplot\n";
  });
}

void plot_interactions_and_norms(const SweepResults& sweep, const std::filesystem::path& out_stem) {
  const std::vector<std::size_t> shown = shown_instances(sweep);
  const double column = kWidestFigureInches / 5, header = 0.45, heat = column, bars = 1.5;
  const Canvas canvas{kWidestFigureInches, header + heat + bars + 0.1};
  const int n = sweep.config.train.features;
  double longest = 1.0;
  for (std::size_t k : shown)
    longest = std::max(longest, sweep.instances[k].run.model.weights.cast<double>().rowwise().norm().maxCoeff());
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << "set multiplot title 'W W^T (blue −1, red +1) and ||W_i|| (dark: no superposition; yellow: 1 or more)'\n";
    gp << "unset key\nset lmargin 0.6\nset rmargin 0.6\n";
    gp << "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nset cbrange [-1:1]\nunset colorbox\n";
    const double sx = column / canvas.width_in;
    for (std::size_t c = 0; c < shown.size(); ++c) {
      const SweepInstance& instance = sweep.instances[shown[c]];
      const Weights& w = instance.run.model.weights;
      const Eigen::MatrixXd interactions = w.cast<double>() * w.cast<double>().transpose();
      gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", c * sx, (bars + 0.1) / canvas.height_in, sx,
                        heat / canvas.height_in);
      gp << fmt::format("set title 'S = {:.3g}'\nunset tics\nunset border\nset tmargin 1.6\nset bmargin 0.3\n",
                        instance.sparsity);
      gp << fmt::format("set xrange [-0.5:{0}]\nset yrange [{0}:-0.5]\n", n - 0.5);
      gp << "plot '-' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette\n";
      Rows cells;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) cells.push_back({static_cast<double>(j), static_cast<double>(i), interactions(i, j)});
      gp.send1d(cells);
      // The bars below.
      const FeatureMeasures m = feature_measures(w);
      gp << fmt::format("set origin {},{}\nset size noratio {},{}\n", c * sx, 0.0, sx, (bars + 0.1) / canvas.height_in);
      gp << "unset title\nset border 3 lw 0.8 lc rgb '#444444'\nset tmargin 0.3\nset bmargin 2.2\n";
      gp << fmt::format("set xrange [-0.7:{}]\nset yrange [0:{}]\n", n - 0.3, 1.1 * longest);
      gp << fmt::format("set xtics nomirror 0,{} scale 0.5\nset xlabel 'feature'\n", std::max(1, n / 4));
      gp << (c == 0 ? "set ytics nomirror (0, 0.5, 1) scale 0.5\nset lmargin 3.5\n" : "unset ytics\nset lmargin 0.6\n");
      gp << "set boxwidth 0.8\nset style fill solid 1.0 noborder\n";
      gp << "plot '-' using 1:2:3 with boxes lc rgb variable\n";
      Rows norms;
      for (int i = 0; i < n; ++i)
        norms.push_back({static_cast<double>(i), w.row(i).cast<double>().norm(), superposition_colour(m.superposition[i])});
      gp.send1d(norms);
      gp << "set lmargin 0.6\nunset xlabel\n";
    }
    gp << "unset multiplot\n";
  });
}

void plot_phase_diagram(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const std::vector<TheoryCell> cells = theory_cells(sweep, t.represented_norm, t.phase_loss_tolerance);
  std::vector<double> sparsities = sweep.config.instance_sparsities, importances = sweep.config.instance_decays;
  if (importances.empty()) importances = {sweep.config.train.importance_decay};
  std::sort(sparsities.begin(), sparsities.end());
  std::sort(importances.begin(), importances.end());
  auto index_of = [](const std::vector<double>& values, double v) {
    return static_cast<double>(std::lower_bound(values.begin(), values.end(), v) - values.begin());
  };
  const char* colours[3] = {"#56B4E9", "#E69F00", "#009E73"};
  // Left, the trained models; right, the phase of the best of the three candidate solutions at each
  // cell (the paper's theoretical diagram). Marks on the left: a cell whose model loses to a
  // candidate (a local minimum), and, with restarts, a cell whose restarts found different minima.
  const Canvas canvas{kWidestFigureInches, 4.2};
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    std::string xtics, ytics;
    for (std::size_t k = 0; k < sparsities.size(); ++k)
      xtics += fmt::format("{}'{}' {}", k ? ", " : "", inverse_density(sparsities[k]), k);
    for (std::size_t k = 0; k < importances.size(); ++k)
      ytics += fmt::format("{}'{:.2g}' {}", k ? ", " : "", importances[k], k);
    gp << "set multiplot\nset border 0\nset style fill solid 1.0 border lc rgb '#ffffff'\n";
    gp << fmt::format("set xrange [-0.5:{}]\nset yrange [-0.5:{}]\n", sparsities.size() - 0.5, importances.size() - 0.5);
    gp << "set xtics (" << xtics << ") scale 0 rotate by -45\nset ytics (" << ytics << ") scale 0\n";
    gp << "set xlabel '1/(1−S)'\n";
    const bool restarted = sweep.config.restarts > 1;
    const bool any_unclassified = std::any_of(cells.begin(), cells.end(), [](const TheoryCell& c) { return !c.trained; });
    for (int panel = 0; panel < 2; ++panel) {
      const bool trained = panel == 0;
      gp << fmt::format("set origin {},0.17\nset size 0.5,0.83\n", 0.5 * panel);
      gp << (trained ? fmt::format("set title 'trained ({} restart{} a cell)'\nset ylabel 'importance of feature 2 / feature 1'\n",
                                   sweep.config.restarts, restarted ? "s" : "")
                     : std::string("set title 'theory: best of the three candidates'\nunset ylabel\n"));
      gp << "unset key\n";
      gp << "plot '-' using 1:2:(0.5):(0.5):3 with boxxyerror lc rgb variable notitle";
      if (trained)
        gp << ", '-' using 1:2 with points pt 2 ps 1.1 lc rgb '#000000' notitle, "
              "'-' using 1:2 with points pt 6 ps 1.3 lw 1.5 lc rgb '#000000' notitle, "
              "'-' using 1:2 with points pt 7 ps 0.4 lc rgb '#000000' notitle";
      gp << "\n";
      Rows boxes, unclassified, losing, disagree;
      for (const TheoryCell& c : cells) {
        const double x = index_of(sparsities, c.sparsity), y = index_of(importances, c.relative_importance);
        const std::optional<SecondFeaturePhase> phase = trained ? c.trained : std::optional(c.theory);
        boxes.push_back({x, y, phase ? rgb(colours[static_cast<int>(*phase)]) : rgb("#dddddd")});
        if (!phase) unclassified.push_back({x, y});
        if (c.excess() > t.phase_loss_tolerance) losing.push_back({x, y});
        if (c.restarts_disagree) disagree.push_back({x, y});
      }
      gp.send1d(boxes);
      if (trained) {
        for (Rows* marks : {&unclassified, &losing, &disagree})
          if (marks->empty()) marks->push_back({-10.0, -10.0});  // an empty block is an error in gnuplot
        gp.send1d(unclassified);
        gp.send1d(losing);
        gp.send1d(disagree);
      }
    }
    // One key for both panels, below them.
    gp << "set origin 0,0\nset size 1,0.17\nunset title\nunset xlabel\nunset ylabel\nunset tics\n"
          "set xrange [0:1]\nset yrange [0:1]\nset key center center horizontal samplen 1 maxrows 2\n";
    gp << fmt::format("plot NaN with boxes lc rgb '{}' title 'not represented', NaN with boxes lc rgb '{}' title 'takes the "
                      "dimension', NaN with boxes lc rgb '{}' title 'superposition', NaN with points pt 6 ps 1.3 lw 1.5 "
                      "lc rgb '#000000' title 'loses to a candidate by > {:g}%'{}{}\n",
                      colours[0], colours[1], colours[2], 100 * t.phase_loss_tolerance,
                      restarted ? ", NaN with points pt 7 ps 0.4 lc rgb '#000000' title 'restarts disagree'" : "",
                      any_unclassified ? ", NaN with points pt 2 lc rgb '#000000' title 'none of the three'" : "");
    gp << "unset multiplot\n";
  });
}

void plot_dimensions_per_feature(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const Canvas canvas{kWidestFigureInches, 3.4};
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << "set title 'hidden dimensions per feature, m / ||W||_F^2'\n";
    gp << "set xlabel '1/(1−S)'\nset ylabel 'dimensions per feature'\nset logscale x\nset grid lc rgb '#dddddd'\n";
    gp << "set format x '%g'\nset autoscale xfix\nset yrange [0:1.1]\nset key top right\n";
    gp << fmt::format("set object 1 rect from graph 0, first {} to graph 1, first {} fc rgb '#f2e6c9' fs solid 1.0 noborder behind\n",
                      0.5 - t.fraction_tolerance, 0.5 + t.fraction_tolerance);
    const DimensionsCurve curve = dimensions_curve(sweep);
    Rows points;
    for (std::size_t k = 0; k < curve.dims.size(); ++k) points.push_back({curve.inverse_density[k], curve.dims[k]});
    // The stretch the claim geometry.sticks_at_half measures, between the band's crossings.
    const Plateau plateau = half_plateau(curve, t);
    const bool shaded = plateau.log_width() > 0.0;
    if (shaded)
      gp << fmt::format("set object 2 rect from first {}, graph 0 to first {}, graph 1 fc rgb '#d6e6f2' fs solid 1.0 "
                        "noborder behind\n",
                        plateau.from, plateau.to);
    gp << "plot 0.5 with lines dt 2 lc rgb '#b07d00' title '1/2 (band: the tolerance)', "
          "'-' using 1:2 with linespoints pt 7 ps 0.8 lw 1.5 lc rgb '#0072B2' title 'dimensions per feature'"
       << (shaded ? ", NaN with boxes fs solid 1.0 lc rgb '#d6e6f2' title 'longest stretch in the band'" : "") << "\n";
    gp.send1d(points);
  });
}

void plot_feature_dimensionality(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const Canvas canvas{kWidestFigureInches, 3.8};
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << "set title 'dimensionality D_i of each represented feature'\n";
    gp << "set xlabel '1/(1−S)'\nset ylabel 'D_i'\nset logscale x\nset format x '%g'\nset yrange [0:1.1]\n";
    gp << "set key top right opaque\n";
    gp << "set rmargin 5\n";
    std::string plot = fraction_lines(gp) + "'-' using 1:2 with points pt 7 ps 0.45 lc rgb '#600072B2' title 'a feature'\n";
    gp << plot;
    Rows points;
    for (const SweepInstance& i : sweep.instances)
      for (double d : represented_dimensionalities(i.run.model.weights, t.represented_norm))
        points.push_back({1.0 / (1.0 - i.sparsity), d});
    if (points.empty()) points.push_back({1.0, -1.0});
    gp.send1d(points);
  });
}

void plot_learning_dynamics(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const RunResults& run = sweep.instances.front().run;
  const FeatureTrajectories trajectories = feature_trajectories(run, t.represented_norm);
  const Canvas canvas{kWidestFigureInches, 5.0};
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << "set multiplot\n";
    // Above: D_i of each feature represented at some snapshot, one line each (a gap where it is not).
    gp << "set origin 0,0.36\nset size 1,0.64\nset lmargin 9\nset rmargin 5\n";
    gp << "set title 'dimensionality D_i of each represented feature over training'\n";
    gp << "set ylabel 'D_i'\nset yrange [0:1.1]\nset format x ''\nunset xlabel\nunset key\n";
    std::string plot = fraction_lines(gp);
    plot += "'-' using 1:2 with lines lw 1 lc rgb '#900072B2'\n";
    gp << plot;
    Rows lines;
    for (const std::vector<double>& series : trajectories.dimensionality) {
      if (std::all_of(series.begin(), series.end(), [](double d) { return std::isnan(d); })) continue;
      for (std::size_t k = 0; k < series.size(); ++k) lines.push_back({static_cast<double>(trajectories.steps[k]), series[k]});
      lines.push_back({std::nan(""), std::nan("")});  // ends this feature's line
    }
    if (lines.empty()) lines.push_back({0.0, -1.0});
    gp.send1d(lines);
    // Below: the training loss.
    gp << "unset label\nunset title\nset origin 0,0\nset size 1,0.38\nset format x '%g'\nset xlabel 'step'\n";
    gp << "set ylabel 'loss'\nset yrange [*:*]\nset autoscale y\nset format y '%.3f'\n";
    gp << "plot '-' using 1:2 with lines lw 1.5 lc rgb '#D55E00'\n";
    Rows loss;
    for (const LossRecord& r : run.loss_log) loss.push_back({static_cast<double>(r.step), r.loss});
    gp.send1d(loss);
    gp << "unset multiplot\n";
  });
}

}  // namespace superpos

namespace superpos {

int shown_neuron_features(const SweepResults& sweep) { return std::min(sweep.config.train.features, 40); }

void plot_neuron_weights(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const std::vector<std::size_t> order = sparsity_order(sweep);
  const int count = static_cast<int>(order.size());
  // Three panels a row: their two-line titles fit the panel's width at the report's font size.
  const int columns = std::min(count, 3), rows = (count + columns - 1) / columns;
  const int features = shown_neuron_features(sweep), neurons = sweep.config.train.hidden;
  const double header = 0.45, panel_width = kWidestFigureInches / columns;
  // Cells as tall as they are wide, with room for the axis labels.
  // Cells as tall as they are wide up to 1.5 in of heatmap, so three rows and the caption fit a page.
  const double panel_height = std::min(panel_width * neurons / features, 1.5) + 1.15;
  const Canvas canvas{kWidestFigureInches, header + rows * panel_height + 0.1};
  double reach = 0.0;
  for (const SweepInstance& i : sweep.instances)
    reach = std::max(reach, static_cast<double>(i.run.model.weights.leftCols(neurons).topRows(features).cwiseAbs().maxCoeff()));
  reach = reach > 0.0 ? reach : 1.0;
  both_formats(out_stem, canvas, [&](Gnuplot& gp) {
    gp << fmt::format("set multiplot title 'W1 at each sparsity S: a row per neuron, a column per feature (0 to {}); "
                      "blue −{:.2g}, red +{:.2g}'\n", features - 1, reach, reach);
    gp << "unset key\nset palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nunset colorbox\n";
    gp << fmt::format("set cbrange [{}:{}]\n", -reach, reach);
    gp << "set lmargin 4\nset rmargin 0.6\nset tmargin 3.6\nset bmargin 2.2\nset border 15 lw 0.6 lc rgb '#888888'\n";
    const double sx = panel_width / canvas.width_in, sy = panel_height / canvas.height_in;
    for (int k = 0; k < count; ++k) {
      const SweepInstance& instance = sweep.instances[order[static_cast<std::size_t>(k)]];
      const ToyModel& model = instance.run.model;
      const std::vector<NeuronReading> readings = neuron_readings(model);
      const ComputationReading r = read_computation(model, t.represented_norm, t.monosemantic_purity, t.computed_r2);
      // Neurons grouped by the feature they read most, then by the sign they read it with.
      std::vector<int> by_feature(static_cast<std::size_t>(neurons));
      for (int j = 0; j < neurons; ++j) by_feature[static_cast<std::size_t>(j)] = j;
      auto key = [&](int j) {
        const NeuronReading& n = readings[static_cast<std::size_t>(j)];
        return std::make_pair(n.feature < 0 ? features + 1 : n.feature, n.feature >= 0 && model.weights(n.feature, j) < 0.0f);
      };
      std::stable_sort(by_feature.begin(), by_feature.end(), [&](int a, int b) { return key(a) < key(b); });
      const int row = k / columns, column = k % columns;
      gp << fmt::format("set origin {},{}\nset size {},{}\n", column * sx, 1.0 - header / canvas.height_in - (row + 1) * sy,
                        sx, sy);
      gp << fmt::format("set title \"S = {:.3g}\\nmonosemantic {} of {}\\ncomputed {}\"\n", instance.sparsity,
                        r.monosemantic, r.live, r.computed);
      gp << fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", features - 0.5, neurons - 0.5);
      gp << fmt::format("set xtics out nomirror 0,{} scale 0.4\nset ytics out nomirror 0,{} scale 0.4\n",
                        std::max(1, features / 4), std::max(1, neurons / 4));
      gp << (row == rows - 1 ? "set xlabel 'feature' offset 0,0.6\n" : "unset xlabel\n");
      gp << (column == 0 ? "set ylabel 'neuron (by feature)' offset 1.5,0\n" : "unset ylabel\n");
      gp << "plot '-' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette\n";
      Rows cells;
      for (int y = 0; y < neurons; ++y)
        for (int i = 0; i < features; ++i)
          cells.push_back({static_cast<double>(i), static_cast<double>(y),
                           static_cast<double>(model.weights(i, by_feature[static_cast<std::size_t>(y)]))});
      gp.send1d(cells);
    }
    gp << "unset multiplot\n";
  });
}

}  // namespace superpos

namespace superpos {

void plot_instance_panel(const SweepResults& sweep, std::size_t k, const Thresholds& t, const std::filesystem::path& svg) {
  const SweepInstance& instance = sweep.instances.at(k);
  const Weights& w = instance.run.model.weights;
  const int n = static_cast<int>(w.rows()), hidden = static_cast<int>(w.cols());
  const bool computation = instance.run.model.output_weights.size() > 0;
  // A phone's width (390 px at 100 px an inch): the page shows it whole, its text at full size.
  const double width = kPhoneFigureInches, spokes = hidden == 2 && !computation ? 2.3 : 0.0, bars = computation ? 3.4 : 2.3;
  const double gap = spokes > 0.0 ? 0.3 : 0.0;  // between the plane and the bars' title
  const Canvas canvas{width, spokes + gap + bars + 0.2};
  draw_figure(svg, FigureFormat::svg, canvas, [&](Gnuplot& gp) {
    gp << "set multiplot\nunset key\n";
    if (computation) {
      const int features = std::min(n, 40);
      std::vector<NeuronReading> readings = neuron_readings(instance.run.model);
      std::vector<int> order(static_cast<std::size_t>(hidden));
      for (int j = 0; j < hidden; ++j) order[static_cast<std::size_t>(j)] = j;
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const auto key = [&](int j) {
          const NeuronReading& r = readings[static_cast<std::size_t>(j)];
          return std::make_pair(r.feature < 0 ? n + 1 : r.feature, r.feature >= 0 && w(r.feature, j) < 0.0f);
        };
        return key(a) < key(b);
      });
      const double reach = std::max(1e-6, static_cast<double>(w.leftCols(hidden).topRows(features).cwiseAbs().maxCoeff()));
      gp << "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nunset colorbox\n";
      gp << fmt::format("set cbrange [{}:{}]\nset origin 0,0\nset size 1,1\n", -reach, reach);
      gp << "set lmargin 8\nset rmargin 1\nset tmargin 1.8\nset bmargin 3.4\n";
      gp << fmt::format("set title 'W1: blue −{:.2g}, red +{:.2g}'\n", reach, reach);
      gp << fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", features - 0.5, hidden - 0.5);
      gp << "set xlabel 'feature'\nset ylabel 'neuron (by feature)'\nset xtics out nomirror\nset ytics out nomirror\n";
      gp << "plot '-' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette\n";
      std::vector<std::vector<double>> cells;
      for (int y = 0; y < hidden; ++y)
        for (int i = 0; i < features; ++i)
          cells.push_back({static_cast<double>(i), static_cast<double>(y), static_cast<double>(w(i, order[static_cast<std::size_t>(y)]))});
      gp.send1d(cells);
    } else {
      if (spokes > 0.0) {
        const double reach = std::max(1.2, 1.1 * w.cast<double>().rowwise().norm().maxCoeff());
        gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", 0.0, (bars + gap) / canvas.height_in, 1.0,
                          spokes / canvas.height_in);
        gp << "unset tics\nset lmargin 0.5\nset rmargin 0.5\nset tmargin 1.2\nset bmargin 0.3\n";
        gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
        gp << "set xzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\nset yzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\n";
        gp << "set title 'rows of W'\n";
        plot_spokes(gp, w);
        gp << "set size noratio\nunset xzeroaxis\nunset yzeroaxis\n";
      }
      const FeatureMeasures m = feature_measures(w);
      double longest = 1.0;
      for (int i = 0; i < n; ++i) longest = std::max(longest, static_cast<double>(w.row(i).norm()));
      gp << fmt::format("set origin 0,0\nset size 1,{}\n", (bars + 0.2) / canvas.height_in);
      gp << "set lmargin 5\nset rmargin 1\nset tmargin 2\nset bmargin 3.2\nset border 3 lw 0.8 lc rgb '#444444'\n";
      gp << "set title '||W_i|| (dark: alone; yellow: in superposition), D_i as dots'\n";
      gp << fmt::format("set xrange [-0.7:{}]\nset yrange [0:{}]\n", n - 0.3, 1.1 * longest);
      gp << fmt::format("set xtics nomirror 0,{} scale 0.5\nset ytics nomirror 0,0.5 scale 0.5\nset xlabel 'feature'\n",
                        std::max(1, n / 5));
      gp << "set boxwidth 0.8\nset style fill solid 1.0 noborder\n";
      gp << "plot '-' using 1:2:3 with boxes lc rgb variable, '-' using 1:2 with points pt 7 ps 0.35 lc rgb '#000000'\n";
      std::vector<std::vector<double>> norms, dims;
      for (int i = 0; i < n; ++i) {
        const double norm = w.row(i).cast<double>().norm();
        norms.push_back({static_cast<double>(i), norm, superposition_colour(m.superposition[i])});
        if (norm >= t.represented_norm) dims.push_back({static_cast<double>(i), m.dimensionality[i]});
      }
      if (dims.empty()) dims.push_back({-10.0, 0.0});  // nothing represented: an empty point set off the axis
      gp.send1d(norms);
      gp.send1d(dims);
    }
    gp << "unset multiplot\n";
  });
}

}  // namespace superpos
