#include "paper/paper_figures.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>

#include "paper/computation_readings.hpp"
#include "analysis/feature_measures.hpp"
#include "analysis/superposition_readings.hpp"
#include "paper/paper_claims.hpp"
#include "plot/figure_file.hpp"
#include "plot/figures.hpp"

namespace superpos {
namespace {

using Rows = std::vector<std::vector<double>>;

constexpr FigureLayout kPhone = FigureLayout::phone;

// A page's width or a phone's.
double layout_width(FigureLayout layout) { return layout == kPhone ? kPhoneFigureInches : kWidestFigureInches; }

// Small multiples (the sweep panels, W W^T with the norms): five panels a row on a page, three on a
// phone, each as wide as on the page's five, under a title of one line (two on a phone).
int multiples_per_row(FigureLayout layout) { return layout == kPhone ? 3 : 5; }
double multiples_header(FigureLayout layout) { return layout == kPhone ? 0.65 : 0.45; }

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
  const auto columns = multiples_per_row;
  const auto header = multiples_header;
  // A row's height: the panel's side, and on a phone a gap that keeps each title off the panel above.
  auto row_height = [&](FigureLayout layout) {
    return layout_width(layout) / columns(layout) + (layout == kPhone ? 0.12 : 0.0);
  };
  auto canvas_of = [&](FigureLayout layout) {
    const int rows = (static_cast<int>(order.size()) + columns(layout) - 1) / columns(layout);
    return Canvas{layout_width(layout), header(layout) + rows * row_height(layout) + 0.1};
  };
  double longest = 0.0;
  for (const SweepInstance& i : sweep.instances)
    longest = std::max(longest, i.run.model.weights.cast<double>().rowwise().norm().maxCoeff());
  const double reach = std::max(1.2, 1.1 * longest);
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    const Canvas canvas = canvas_of(layout);
    const int per_row = columns(layout);
    const double side = layout_width(layout) / per_row;
    gp << "set multiplot title "
       << split_title("rows of W at each sparsity S", fmt::format("(colour: feature 0 to {})", sweep.config.train.features - 1),
                      layout)
       << "\n";
    gp << "unset key\nunset tics\nunset xlabel\nunset ylabel\n";
    gp << "set lmargin 0.5\nset rmargin 0.5\nset bmargin 0.5\nset tmargin 1.6\n";
    gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
    gp << "set xzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\nset yzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\n";
    gp << "set border 15 lw 0.8 lc rgb '#888888'\n";
    const double sx = side / canvas.width_in, sy = side / canvas.height_in, step = row_height(layout) / canvas.height_in;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const SweepInstance& instance = sweep.instances[order[k]];
      const int row = static_cast<int>(k) / per_row, column = static_cast<int>(k) % per_row;
      gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", column * sx,
                        1.0 - header(layout) / canvas.height_in - row * step - sy, sx, sy);
      gp << fmt::format("set title 'S = {:.3g}'\n", instance.sparsity);
      plot_spokes(gp, instance.run.model.weights);
    }
    gp << "unset multiplot\n";
  });
}

void plot_interactions_and_norms(const SweepResults& sweep, const std::filesystem::path& out_stem) {
  const std::vector<std::size_t> shown = shown_instances(sweep);
  // A column per shown instance, its W W^T above its bars, as small multiples.
  const double column = kWidestFigureInches / 5, heat = column, bars = 1.5;
  const auto per_row = multiples_per_row;
  const auto header = multiples_header;
  auto rows_of = [&](FigureLayout layout) {
    return (static_cast<int>(shown.size()) + per_row(layout) - 1) / per_row(layout);
  };
  // A row's height; on a phone a gap above each row keeps its titles off the axis label of the row above.
  auto row_height = [&](FigureLayout layout) { return heat + bars + 0.1 + (layout == kPhone ? 0.3 : 0.0); };
  auto canvas_of = [&](FigureLayout layout) {
    return Canvas{layout_width(layout), header(layout) + rows_of(layout) * row_height(layout)};
  };
  const int n = sweep.config.train.features;
  double longest = 1.0;
  for (std::size_t k : shown)
    longest = std::max(longest, sweep.instances[k].run.model.weights.cast<double>().rowwise().norm().maxCoeff());
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    const Canvas canvas = canvas_of(layout);
    gp << "set multiplot title "
       << split_title("W W^T (blue −1, red +1) and ||W_i||", "(dark: no superposition; yellow: 1 or more)", layout) << "\n";
    gp << "unset key\nset lmargin 0.6\nset rmargin 0.6\n";
    gp << "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nset cbrange [-1:1]\nunset colorbox\n";
    const double sx = column / canvas.width_in;
    for (std::size_t c = 0; c < shown.size(); ++c) {
      const int row = static_cast<int>(c) / per_row(layout), at = static_cast<int>(c) % per_row(layout);
      // The bottom of this row's bars, in inches from the canvas's foot.
      const double foot = (rows_of(layout) - 1 - row) * row_height(layout);
      const SweepInstance& instance = sweep.instances[shown[c]];
      const Weights& w = instance.run.model.weights;
      const Eigen::MatrixXd interactions = w.cast<double>() * w.cast<double>().transpose();
      gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", at * sx, (foot + bars + 0.1) / canvas.height_in, sx,
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
      gp << fmt::format("set origin {},{}\nset size noratio {},{}\n", at * sx, foot / canvas.height_in, sx,
                        (bars + 0.1) / canvas.height_in);
      gp << "unset title\nset border 3 lw 0.8 lc rgb '#444444'\nset tmargin 0.3\nset bmargin 2.2\n";
      gp << fmt::format("set xrange [-0.7:{}]\nset yrange [0:{}]\n", n - 0.3, 1.1 * longest);
      gp << fmt::format("set xtics nomirror 0,{} scale 0.5\nset xlabel 'feature'\n", std::max(1, n / 4));
      gp << (at == 0 ? "set ytics nomirror (0, 0.5, 1) scale 0.5\nset lmargin 3.5\n" : "unset ytics\nset lmargin 0.6\n");
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
  // On a page the two panels side by side over a key of two rows; on a phone one above the other over
  // a key of a line per entry.
  constexpr double kPhonePanel = 3.3, kPhoneKey = 1.3;
  auto canvas_of = [&](FigureLayout layout) {
    return layout == kPhone ? Canvas{kPhoneFigureInches, 2 * kPhonePanel + kPhoneKey} : Canvas{kWidestFigureInches, 4.2};
  };
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    const bool phone = layout == kPhone;
    const double height = canvas_of(layout).height_in;
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
      if (phone)
        gp << fmt::format("set origin 0,{}\nset size 1,{}\n", (kPhoneKey + (1 - panel) * kPhonePanel) / height,
                          kPhonePanel / height);
      else
        gp << fmt::format("set origin {},0.17\nset size 0.5,0.83\n", 0.5 * panel);
      gp << (trained ? fmt::format("set title 'trained ({} restart{} a cell)'\n", sweep.config.restarts, restarted ? "s" : "")
                     : std::string("set title 'theory: best of the three candidates'\n"));
      gp << (trained || phone ? "set ylabel 'importance of feature 2 / feature 1'\n" : "unset ylabel\n");
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
    gp << fmt::format("set origin 0,0\nset size 1,{}\n", phone ? kPhoneKey / height : 0.17);
    gp << "unset title\nunset xlabel\nunset ylabel\nunset tics\nset xrange [0:1]\nset yrange [0:1]\n";
    gp << (phone ? "set key center center vertical Left reverse samplen 1 maxcols 1\n"
                 : "set key center center horizontal samplen 1 maxrows 2\n");
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
  auto canvas_of = [](FigureLayout layout) {
    return layout == kPhone ? Canvas{kPhoneFigureInches, 3.9} : Canvas{kWidestFigureInches, 3.4};
  };
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    gp << "set title 'hidden dimensions per feature, m / ||W||_F^2'\n";
    gp << "set xlabel '1/(1−S)'\nset ylabel 'dimensions per feature'\nset logscale x\nset grid lc rgb '#dddddd'\n";
    gp << "set format x '%g'\nset autoscale xfix\nset yrange [0:1.1]\n";
    gp << (layout == kPhone ? "set key below left Left reverse maxcols 1\n" : "set key top right\n");
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
  auto canvas_of = [](FigureLayout layout) {
    return layout == kPhone ? Canvas{kPhoneFigureInches, 3.4} : Canvas{kWidestFigureInches, 3.8};
  };
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    gp << "set title " << split_title("dimensionality D_i", "of each represented feature", layout) << "\n";
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
  auto canvas_of = [](FigureLayout layout) { return Canvas{layout_width(layout), 5.0}; };
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    gp << "set multiplot\n";
    // Above: D_i of each feature represented at some snapshot, one line each (a gap where it is not).
    gp << "set origin 0,0.36\nset size 1,0.64\nset lmargin 9\nset rmargin 5\n";
    if (layout == kPhone && !run.loss_log.empty()) gp << few_xtics(static_cast<double>(run.loss_log.back().step));
    gp << "set title " << split_title("dimensionality D_i of each represented feature", "over training", layout) << "\n";
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

// Room around a neuron heatmap for its three-line title and its axes, in inches.
constexpr double kNeuronLabelsInches = 1.15;

std::vector<int> neurons_by_feature(const ToyModel& model) {
  const std::vector<NeuronReading> readings = neuron_readings(model);
  const int neurons = static_cast<int>(readings.size()), features = static_cast<int>(model.weights.rows());
  std::vector<int> order(static_cast<std::size_t>(neurons));
  for (int j = 0; j < neurons; ++j) order[static_cast<std::size_t>(j)] = j;
  auto key = [&](int j) {
    const NeuronReading& n = readings[static_cast<std::size_t>(j)];
    return std::make_pair(n.feature < 0 ? features : n.feature, n.feature >= 0 && model.weights(n.feature, j) < 0.0f);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
  return order;
}

void plot_neuron_weights(const SweepResults& sweep, const Thresholds& t, const std::filesystem::path& out_stem) {
  const std::vector<std::size_t> order = sparsity_order(sweep);
  const int count = static_cast<int>(order.size());
  // Three panels a row on a page (their three-line titles fit the panel's width at the report's font
  // size), two on a phone.
  auto columns_of = [&](FigureLayout layout) { return std::min(count, layout == kPhone ? 2 : 3); };
  const int features = shown_neuron_features(sweep), neurons = sweep.config.train.hidden;
  auto header_of = [](FigureLayout layout) { return layout == kPhone ? 0.8 : 0.45; };
  // Cells as tall as they are wide up to 1.5 in of heatmap, so three rows and the caption fit a page;
  // room for the axis labels.
  auto panel_height_of = [&](FigureLayout layout) {
    return std::min(layout_width(layout) / columns_of(layout) * neurons / features, 1.5) + kNeuronLabelsInches;
  };
  auto canvas_of = [&](FigureLayout layout) {
    const int rows = (count + columns_of(layout) - 1) / columns_of(layout);
    return Canvas{layout_width(layout), header_of(layout) + rows * panel_height_of(layout) + 0.1};
  };
  double reach = 0.0;
  for (const SweepInstance& i : sweep.instances)
    reach = std::max(reach, static_cast<double>(i.run.model.weights.leftCols(neurons).topRows(features).cwiseAbs().maxCoeff()));
  reach = reach > 0.0 ? reach : 1.0;
  draw_page_and_phone(out_stem, canvas_of, [&](Gnuplot& gp, FigureLayout layout) {
    const Canvas canvas = canvas_of(layout);
    const int columns = columns_of(layout), rows = (count + columns - 1) / columns;
    const double header = header_of(layout), panel_width = layout_width(layout) / columns;
    const double panel_height = panel_height_of(layout);
    const std::string what = fmt::format("a row per neuron, a column per feature (0 to {})", features - 1);
    const std::string colours = fmt::format("blue −{:.2g}, red +{:.2g}", reach, reach);
    gp << (layout == kPhone ? fmt::format("set multiplot title \"W1 at each sparsity S\\n{}\\n{}\"\n", what, colours)
                            : fmt::format("set multiplot title \"W1 at each sparsity S: {}; {}\"\n", what, colours));
    gp << "unset key\nset palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nunset colorbox\n";
    gp << fmt::format("set cbrange [{}:{}]\n", -reach, reach);
    gp << "set lmargin 5.5\nset rmargin 0.6\nset tmargin 3.6\nset bmargin 2.2\nset border 15 lw 0.6 lc rgb '#888888'\n";
    const double sx = panel_width / canvas.width_in, sy = panel_height / canvas.height_in;
    for (int k = 0; k < count; ++k) {
      const SweepInstance& instance = sweep.instances[order[static_cast<std::size_t>(k)]];
      const ToyModel& model = instance.run.model;
      const ComputationReading r = read_computation(model, t.represented_norm, t.monosemantic_purity, t.computed_r2);
      const std::vector<int> by_feature = neurons_by_feature(model);
      const int row = k / columns, column = k % columns;
      gp << fmt::format("set origin {},{}\nset size {},{}\n", column * sx, 1.0 - header / canvas.height_in - (row + 1) * sy,
                        sx, sy);
      gp << fmt::format("set title \"S = {:.3g}\\nmonosemantic {} of {}\\ncomputed {}\"\n", instance.sparsity,
                        r.monosemantic, r.live, r.computed);
      gp << fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", features - 0.5, neurons - 0.5);
      gp << fmt::format("set xtics out nomirror 0,{} scale 0.4\nset ytics out nomirror 0,{} scale 0.4\n",
                        std::max(1, features / 4), std::max(1, neurons / 4));
      gp << (row == rows - 1 ? "set xlabel 'feature' offset 0,0.6\n" : "unset xlabel\n");
      // The full axis label where the heatmap is tall enough to hold it, else its first word.
      const bool tall = panel_height - kNeuronLabelsInches >= 1.3;
      gp << (column != 0 ? "unset ylabel\n"
             : tall      ? "set ylabel 'neuron (by feature)' offset 1.5,0\n"
                         : "set ylabel 'neuron' offset 1.5,0\n");
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

namespace {

// An explorer panel's plots, placed by hand (gnuplot's margins set `at screen`) so that the page's
// hover can map a pointer back to a feature, a cell or a row of W with the same numbers.
struct PlotBox {
  double left, right, bottom, top;  // inches from the canvas's left and bottom edges
};
struct PanelLayout {
  Canvas canvas;
  std::optional<PlotBox> plane;  // the rows of W as points (two hidden dimensions, not the computation model)
  PlotBox main;                  // the row norms as bars, or the computation model's W1 as a heatmap
};

// A phone's width (390 px at 100 px an inch): the page shows it whole, its text at full size.
PanelLayout panel_layout(const SweepInstance& instance) {
  const Weights& w = instance.run.model.weights;
  const bool computation = instance.run.model.output_weights.size() > 0;
  const double width = kPhoneFigureInches;
  if (computation) {
    const Canvas canvas{width, 3.6};
    // Left: the tick numbers and the axis label; below: ticks and 'feature'; above: the title.
    return {canvas, std::nullopt, {0.8, width - 0.15, 0.65, canvas.height_in - 0.4}};
  }
  const double bars = 2.5, plane = w.cols() == 2 ? 2.45 : 0.0, gap = plane > 0.0 ? 0.3 : 0.0;
  const Canvas canvas{width, bars + gap + plane};
  PanelLayout layout{canvas, std::nullopt, {0.55, width - 0.15, 0.6, bars - 0.55}};
  if (plane > 0.0) {
    // A square, centred, its title above it.
    const double bottom = bars + gap + 0.05, top = canvas.height_in - 0.45, side = top - bottom;
    layout.plane = PlotBox{(width - side) / 2, (width + side) / 2, bottom, top};
  }
  return layout;
}

std::string margins_at(const PlotBox& box, Canvas canvas) {
  return fmt::format("set lmargin at screen {}\nset rmargin at screen {}\nset bmargin at screen {}\nset tmargin at screen {}\n",
                     box.left / canvas.width_in, box.right / canvas.width_in, box.bottom / canvas.height_in,
                     box.top / canvas.height_in);
}

// The box as the page reads it: fractions of the image from its top-left corner.
nlohmann::ordered_json page_box(const PlotBox& box, Canvas canvas) {
  auto round4 = [](double v) { return std::round(v * 1e4) / 1e4; };
  return {round4(box.left / canvas.width_in), round4(1.0 - box.top / canvas.height_in), round4(box.right / canvas.width_in),
          round4(1.0 - box.bottom / canvas.height_in)};
}

double reach_of(const Weights& w) { return std::max(1.2, 1.1 * w.cast<double>().rowwise().norm().maxCoeff()); }
double longest_of(const Weights& w) {
  double longest = 1.0;
  for (Eigen::Index i = 0; i < w.rows(); ++i) longest = std::max(longest, static_cast<double>(w.row(i).norm()));
  return longest;
}
double w1_reach(const Weights& w, int hidden, int features) {
  return std::max(1e-6, static_cast<double>(w.leftCols(hidden).topRows(features).cwiseAbs().maxCoeff()));
}
// Three significant digits: what the hover shows, and no more bytes than that in the page.
double shown(double v) { return std::stod(fmt::format("{:.3g}", v)); }

}  // namespace

void plot_instance_panel(const SweepResults& sweep, std::size_t k, const Thresholds& t, const std::filesystem::path& svg) {
  const SweepInstance& instance = sweep.instances.at(k);
  const Weights& w = instance.run.model.weights;
  const int n = static_cast<int>(w.rows()), hidden = static_cast<int>(w.cols());
  const PanelLayout layout = panel_layout(instance);
  const Canvas canvas = layout.canvas;
  draw_figure(svg, FigureFormat::svg, canvas, [&](Gnuplot& gp) {
    gp << "set multiplot\nunset key\n";
    if (!layout.plane && instance.run.model.output_weights.size() > 0) {
      const int features = std::min(n, 40);
      const std::vector<int> order = neurons_by_feature(instance.run.model);
      const double reach = w1_reach(w, hidden, features);
      gp << "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\nunset colorbox\n";
      gp << fmt::format("set cbrange [{}:{}]\n", -reach, reach) << margins_at(layout.main, canvas);
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
      if (layout.plane) {
        const double reach = reach_of(w);
        gp << margins_at(*layout.plane, canvas);
        gp << "unset tics\n";
        gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
        gp << "set xzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\nset yzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\n";
        gp << "set title 'rows of W'\n";
        plot_spokes(gp, w);
        gp << "unset xzeroaxis\nunset yzeroaxis\n";
      }
      const FeatureMeasures m = feature_measures(w);
      gp << margins_at(layout.main, canvas) << "set border 3 lw 0.8 lc rgb '#444444'\n";
      gp << "set title \"||W_i|| (dark: alone; yellow: in superposition)\\nD_i as dots\"\n";
      gp << fmt::format("set xrange [-0.7:{}]\nset yrange [0:{}]\n", n - 0.3, 1.1 * longest_of(w));
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

nlohmann::ordered_json instance_panel_hover(const SweepResults& sweep, std::size_t k, double represented_norm) {
  const SweepInstance& instance = sweep.instances.at(k);
  const Weights& w = instance.run.model.weights;
  const int n = static_cast<int>(w.rows()), hidden = static_cast<int>(w.cols());
  const PanelLayout layout = panel_layout(instance);
  nlohmann::ordered_json regions = nlohmann::ordered_json::array();
  if (!layout.plane && instance.run.model.output_weights.size() > 0) {
    const int features = std::min(n, 40);
    const std::vector<int> order = neurons_by_feature(instance.run.model);
    const std::vector<NeuronReading> readings = neuron_readings(instance.run.model);
    nlohmann::ordered_json neurons = nlohmann::ordered_json::array(), values = nlohmann::ordered_json::array();
    for (int y = 0; y < hidden; ++y) {
      const int j = order[static_cast<std::size_t>(y)];
      const NeuronReading& r = readings[static_cast<std::size_t>(j)];
      neurons.push_back(r.feature < 0 ? fmt::format("neuron {}", j)
                                      : fmt::format("neuron {} (reads feature {} most, {:.0f}%)", j, r.feature, 100 * r.purity));
      for (int i = 0; i < features; ++i) values.push_back(shown(w(i, j)));
    }
    regions.push_back({{"kind", "cells"}, {"box", page_box(layout.main, layout.canvas)}, {"name", "W1"},
                       {"rows", neurons}, {"columns", features}, {"values", values}});
    return {{"regions", regions}};
  }
  if (layout.plane) {
    const double reach = reach_of(w);
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (int i = 0; i < n; ++i) points.push_back({shown(w(i, 0)), shown(w(i, 1))});
    regions.push_back({{"kind", "points"}, {"box", page_box(*layout.plane, layout.canvas)}, {"x", {-reach, reach}},
                       {"y", {-reach, reach}}, {"points", points}});
  }
  const FeatureMeasures m = feature_measures(w);
  nlohmann::ordered_json norms = nlohmann::ordered_json::array(), dims = nlohmann::ordered_json::array(),
                         superposition = nlohmann::ordered_json::array();
  for (int i = 0; i < n; ++i) {
    const double norm = w.row(i).cast<double>().norm();
    norms.push_back(shown(norm));
    dims.push_back(norm >= represented_norm ? nlohmann::ordered_json(shown(m.dimensionality[i])) : nlohmann::ordered_json());
    superposition.push_back(shown(m.superposition[i]));
  }
  regions.push_back({{"kind", "bars"}, {"box", page_box(layout.main, layout.canvas)}, {"x", {-0.7, n - 0.3}},
                     {"norms", norms}, {"dimensionality", dims}, {"superposition", superposition}});
  return {{"regions", regions}};
}

}  // namespace superpos
