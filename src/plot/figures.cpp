#include "plot/figures.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/feature_measures.hpp"
#include "analysis/geometry.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "plot/figure_file.hpp"

namespace superpos {
namespace {

using Rows = std::vector<std::vector<double>>;

// One symmetric colour range per kind of heatmap, the same for every configuration, so that equal
// colours mean equal values across figures (b = -0.115 no longer looks as dark as -0.457): W W^T
// over +/-1.2 (rows of norm up to ~1.1), the bias over +/-0.5; widened only if a run exceeds it.
double colour_limit(const Eigen::MatrixXd& m, double shared) { return std::max(m.cwiseAbs().maxCoeff(), shared); }
constexpr double kInteractionScale = 1.2;
constexpr double kBiasScale = 0.5;

void heatmap_settings(Gnuplot& gp, double limit) {
  gp << "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n";
  gp << fmt::format("set cbrange [{}:{}]\n", -limit, limit);
  gp << "set cbtics scale 0.5\nunset key\nset tics scale 0\n";
}

// Rows of W as points (and a dashed line from the origin) on hidden dimensions a and b.
// The key: outside at the right on a page, below the plot on a phone (a column of its own would leave
// the plane a third of 390 px).
void plot_rows(Gnuplot& gp, const RunResults& run, int a, int b, bool with_key, FigureLayout layout) {
  const Weights& w = run.model.weights;
  const Geometry g = analyse(w);
  const Eigen::VectorXf importance = feature_importance(run.config.train.features, run.config.train.importance_decay);
  const FeatureMeasures measures = feature_measures(w);
  const double reach = std::max(1.2, 1.15 * g.norms.maxCoeff());
  gp << "set size ratio -1\nset grid lc rgb '#dddddd'\n";
  gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
  gp << fmt::format("set xlabel 'hidden dim {}'\nset ylabel 'hidden dim {}'\n", a, b);
  if (with_key)
    gp << (layout == FigureLayout::page ? "set key outside right center samplen 1 spacing 1.3\n"
                                        : "set key below left Left reverse samplen 1 spacing 1.1 maxcols 1\n");
  else gp << "unset key\n";
  std::string plot = "plot ";
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const std::string colour = feature_colour(static_cast<int>(i));
    plot += fmt::format("'-' with lines dt 2 lw 1.2 lc rgb '{}' notitle, ", colour);
    plot += fmt::format("'-' with points pt 7 ps {:.2f} lc rgb '{}' title 'f{} (imp. {:.2f}, |W|={:.2f}, D={:.2f})'{}",
                        0.5 + 2.0 * g.norms[i], colour, i, importance[i], g.norms[i], measures.dimensionality[i],
                        i + 1 < w.rows() ? ", " : "\n");
  }
  gp << plot;
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const double y = b < w.cols() ? w(i, b) : 0.0;
    gp.send1d(Rows{{0.0, 0.0}, {w(i, a), y}});
    gp.send1d(Rows{{w(i, a), y}});
  }
}

// The hidden dimensions shown: all of them up to 4, as one panel per pair beyond a plane.
int shown_dimensions(const RunResults& run) { return std::min(run.config.train.hidden, 4); }

// A phone's layout: the key below the plot, a line per feature, and the panels beyond a plane in one
// column.
constexpr double kPhoneKeyLineInches = 0.2;
constexpr double kPhonePanelInches = 3.6;

Canvas weights_canvas(const RunResults& run, FigureLayout layout) {
  const int dims = shown_dimensions(run);
  const int panels = dims * (dims - 1) / 2;
  const double key = kPhoneKeyLineInches * run.config.train.features + 0.3;
  if (layout == FigureLayout::phone)
    return {kPhoneFigureInches, (dims <= 2 ? 3.9 : kPhonePanelInches * panels + 0.5) + key};
  if (dims <= 2) return {figure_width_inches("weights", run.config.train.hidden), 4.4};
  const int columns = std::min(panels, 3);
  const int rows = (panels + columns - 1) / columns;
  return {figure_width_inches("weights", run.config.train.hidden), 3.0 * rows + 0.5};
}

void draw_weights(Gnuplot& gp, const RunResults& run, FigureLayout layout) {
  const int dims = shown_dimensions(run);
  const bool phone = layout == FigureLayout::phone;
  if (dims <= 2) {
    gp << "set title "
       << split_title(fmt::format("rows of W, {} seed {}", run.config.name, run.config.train.seed),
                      "(point size grows with norm)", layout)
       << " noenhanced\n";
    plot_rows(gp, run, 0, 1, true, layout);
    return;
  }
  // Beyond a plane, a panel per pair of hidden dimensions; the key (feature colours) once, at the
  // right of the last panel on a page, below it on a phone (one panel a row).
  const int panels = dims * (dims - 1) / 2;
  const int columns = phone ? 1 : std::min(panels, 3);
  const int rows = (panels + columns - 1) / columns;
  const Canvas canvas = weights_canvas(run, layout);
  const double panel_width = phone ? 1.0 : 3.0 / canvas.width_in;
  const double panel_inches = phone ? kPhonePanelInches : 3.0;
  const double key = phone ? kPhoneKeyLineInches * run.config.train.features + 0.3 : 0.0;
  gp << "set multiplot title " << split_title("rows of W on pairs of hidden dimensions", "(size grows with norm)", layout)
     << "\n";
  int panel = 0;
  for (int a = 0; a < dims; ++a)
    for (int b = a + 1; b < dims; ++b, ++panel) {
      const int row = panel / columns, column = panel % columns;
      const bool last = panel == panels - 1;
      const double height = (panel_inches + (last ? key : 0.0)) / canvas.height_in;
      gp << fmt::format("set origin {},{}\nset size {},{}\n", column * panel_width,
                        1.0 - (row + 1) * (panel_inches / canvas.height_in) - 0.5 / canvas.height_in / rows -
                            (last ? key / canvas.height_in : 0.0),
                        last ? 1.0 - column * panel_width : panel_width, height);
      plot_rows(gp, run, a, b, last, layout);
    }
  gp << "unset multiplot\n";
}

void draw_matrix(Gnuplot& gp, const Eigen::MatrixXd& values, const std::string& title, const std::string& xlabel,
                 const std::string& ylabel, double shared_scale) {
  heatmap_settings(gp, colour_limit(values, shared_scale));
  gp << fmt::format("set title '{}'\nset xlabel '{}'\nset ylabel '{}'\n", title, xlabel, ylabel);
  gp << fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", values.cols() - 0.5, values.rows() - 0.5);
  gp << "set xtics 1\nset size ratio -1\n";
  gp << (values.rows() > 1 ? "set ytics 1\n" : "unset ytics\n");  // a single row needs no row number
  // Filled boxes rather than `with image`: crisp in every viewer, and a single row works too.
  gp << "plot '-' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette, '-' using 1:2:(sprintf('%.3f', abs($3) < 0.0005 ? 0 : $3)) with labels\n";
  Rows cells;
  for (Eigen::Index i = 0; i < values.rows(); ++i)
    for (Eigen::Index j = 0; j < values.cols(); ++j)
      cells.push_back({static_cast<double>(j), static_cast<double>(i), values(i, j)});
  gp.send1d(cells);
  gp.send1d(cells);
}

void draw_interference(Gnuplot& gp, const RunResults& run) {
  const Geometry g = analyse(run.model.weights);
  const double limit = std::max(0.05, 1.25 * g.interference.cwiseAbs().maxCoeff());
  gp << "set title 'interference: sum over j ≠ i of W_i · W_j'\nset xlabel 'feature'\nunset key\n";
  gp << fmt::format("set xrange [-0.6:{}]\nset yrange [{}:{}]\n", g.interference.size() - 0.4, -limit, limit);
  gp << "set xtics 1\nset grid ytics lc rgb '#dddddd'\nset xzeroaxis lt -1\nset boxwidth 0.7\n";
  gp << "set style fill solid 0.85 border lc rgb '#333333'\n";
  gp << "plot '-' using 1:2:3 with boxes lc rgb variable, "
        "'-' using 1:2:(sprintf('%.3f', abs($2) < 0.0005 ? 0 : $2)) with labels offset 0,char 0.8\n";
  Rows bars;
  for (Eigen::Index i = 0; i < g.interference.size(); ++i) {
    const auto colour = std::stoul(feature_colour(static_cast<int>(i)).substr(1), nullptr, 16);
    bars.push_back({static_cast<double>(i), g.interference[i], static_cast<double>(colour)});
  }
  gp.send1d(bars);
  gp.send1d(bars);
}

void draw_loss(Gnuplot& gp, const RunResults& run, FigureLayout layout) {
  const bool phone = layout == FigureLayout::phone;
  gp << "set title " << split_title("training loss per batch (log scale)", "and learning rate", layout) << "\n";
  gp << "set xlabel 'step'\nset ylabel 'loss'\nset logscale y\nset grid lc rgb '#dddddd'\n";
  // Labelled ticks at 1, 2 and 5 of each decade: a log axis marked only 0.1 and 1 cannot be read.
  gp << "set ytics nomirror (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)\nset format y '%g'\n";
  gp << "set y2label 'learning rate'\nset y2tics\nset format y2 '%.0e'\n";
  gp << (phone ? "set key below left Left reverse maxcols 1 samplen 2\n" : "set key top right\n");
  if (phone && !run.loss_log.empty()) gp << few_xtics(static_cast<double>(run.loss_log.back().step));
  gp << fmt::format("plot '-' using 1:2 with lines lw 2 lc rgb '#0072B2' title 'batch loss', "
                    "{} with lines dt 3 lw 1.5 lc rgb '#D55E00' title 'expected loss (held out)', "
                    "'-' using 1:3 axes x1y2 with lines dt 2 lw 1.2 lc rgb '#888888' title 'lr'\n",
                    run.evaluation.expected_loss);
  Rows points;
  for (const LossRecord& r : run.loss_log) points.push_back({static_cast<double>(r.step), r.loss, r.lr});
  gp.send1d(points);
  gp.send1d(points);
}

// The seed gallery's grid: six panels a row on a page, three on a phone, under a title line (two on a
// phone, the configuration's name on the first).
struct SeedGrid {
  int columns;
  double panel;   // inches a side
  double header;  // inches above the panels
};
SeedGrid seed_grid(FigureLayout layout) {
  if (layout == FigureLayout::phone) return {3, kPhoneFigureInches / 3, 0.6};
  return {kSeedGridColumns, kSeedPanelInches, kSeedGridHeaderInches};
}
Canvas seed_grid_canvas(std::size_t panels, FigureLayout layout) {
  const SeedGrid grid = seed_grid(layout);
  const int rows = (static_cast<int>(panels) + grid.columns - 1) / grid.columns;
  return {grid.columns * grid.panel, grid.header + rows * grid.panel + 0.1};
}

// One small panel per seed: the rows of W (first two hidden dimensions) as spokes from the origin,
// on one scale for all panels; a red frame and a cross with their number where claims fail.
void draw_seed_grid(Gnuplot& gp, const std::string& config_name, const std::vector<SeedPanel>& panels, FigureLayout layout) {
  const SeedGrid grid = seed_grid(layout);
  const Canvas canvas = seed_grid_canvas(panels.size(), layout);
  double longest = 0.0;
  for (const SeedPanel& p : panels) longest = std::max(longest, p.run->model.weights.cast<double>().rowwise().norm().maxCoeff());
  const double reach = std::max(1.2, 1.1 * longest);
  // The name is letters, digits, '_', '.' and '-' (config validation): safe in a gnuplot string.
  gp << "set multiplot title " << split_title(config_name + ":", "rows of W on each seed (red: a claim of it fails)", layout)
     << " noenhanced\n";
  gp << "unset key\nunset tics\nunset xlabel\nunset ylabel\n";
  gp << "set lmargin 0.6\nset rmargin 0.6\nset bmargin 0.6\nset tmargin 1.6\n";
  gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
  gp << "set xzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\nset yzeroaxis lt 1 lw 0.6 lc rgb '#cccccc'\n";
  const double side_x = grid.panel / canvas.width_in, side_y = grid.panel / canvas.height_in;
  for (std::size_t k = 0; k < panels.size(); ++k) {
    const SeedPanel& panel = panels[k];
    const int row = static_cast<int>(k) / grid.columns, column = static_cast<int>(k) % grid.columns;
    gp << fmt::format("set origin {},{}\nset size ratio -1 {},{}\n", column * side_x,
                      1.0 - grid.header / canvas.height_in - (row + 1) * side_y, side_x, side_y);
    const bool fails = !panel.failing.empty();
    gp << (fails ? "set border 15 lw 2.5 lc rgb '#a51d1d'\n" : "set border 15 lw 0.8 lc rgb '#888888'\n");
    gp << fmt::format("set title 'seed {}{}' noenhanced tc rgb '{}'\n", panel.run->config.train.seed,
                      fails ? fmt::format("  ✗ {}", panel.failing.size()) : "", fails ? "#a51d1d" : "#222222");
    plot_spokes(gp, panel.run->model.weights);
  }
  gp << "unset multiplot\n";
}

}  // namespace

void plot_spokes(Gnuplot& gp, const Weights& w) {
  std::string plot = "plot ";
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    plot += fmt::format("'-' with lines lw 2 lc rgb '{0}', '-' with points pt 7 ps 0.7 lc rgb '{0}'{1}",
                        feature_colour(static_cast<int>(i)), i + 1 < w.rows() ? ", " : "\n");
  gp << plot;
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const double y = w.cols() > 1 ? w(i, 1) : 0.0;
    gp.send1d(Rows{{0.0, 0.0}, {w(i, 0), y}});
    gp.send1d(Rows{{w(i, 0), y}});
  }
}

void plot_weights_change(const RunResults& before, const RunResults& after, const std::filesystem::path& out_dir) {
  const auto draw = [&](Gnuplot& gp, FigureLayout layout) {
    const Weights &a = before.model.weights, &b = after.model.weights;
    const double reach = std::max({1.2, 1.15 * a.cast<double>().rowwise().norm().maxCoeff(),
                                   1.15 * b.cast<double>().rowwise().norm().maxCoeff()});
    gp << "set size ratio -1\nset grid lc rgb '#dddddd'\n";
    gp << fmt::format("set xrange [{0}:{1}]\nset yrange [{0}:{1}]\n", -reach, reach);
    gp << "set xlabel 'hidden dim 0'\nset ylabel 'hidden dim 1'\n";
    gp << (layout == FigureLayout::page ? "set key outside right center\n" : "set key below horizontal samplen 1\n");
    gp << "set title " << split_title("rows of W: previous version (hollow)", "and this one (filled)", layout) << "\n";
    const Eigen::Index rows = std::max(a.rows(), b.rows());
    std::string plot = "plot ";
    for (Eigen::Index i = 0; i < rows; ++i) {
      const std::string colour = feature_colour(static_cast<int>(i));
      plot += fmt::format("'-' with points pt 6 ps 2 lc rgb '{0}' notitle, '-' with points pt 7 ps 2 lc rgb '{0}' "
                          "title 'f{1}', '-' with vectors head filled lc rgb '{0}' notitle{2}",
                          colour, i, i + 1 < rows ? ", " : "\n");
    }
    gp << plot;
    auto point = [](const Weights& w, Eigen::Index i) -> std::vector<double> {
      if (i >= w.rows()) return {0.0, 0.0};
      return {w(i, 0), w.cols() > 1 ? w(i, 1) : 0.0};
    };
    for (Eigen::Index i = 0; i < rows; ++i) {
      const auto p = point(a, i), q = point(b, i);
      gp.send1d(Rows{p});
      gp.send1d(Rows{q});
      gp.send1d(Rows{{p[0], p[1], q[0] - p[0], q[1] - p[1]}});
    }
  };
  draw_page_and_phone(
      out_dir / "weights-change",
      [](FigureLayout layout) {
        return layout == FigureLayout::page ? Canvas{kWidestFigureInches, 4.4} : Canvas{kPhoneFigureInches, 4.6};
      },
      draw);
}

void plot_seed_grid(const std::string& config_name, const std::vector<SeedPanel>& panels,
                    const std::filesystem::path& out_dir) {
  if (panels.empty()) return;
  draw_page_and_phone(
      out_dir / config_name, [&](FigureLayout layout) { return seed_grid_canvas(panels.size(), layout); },
      [&](Gnuplot& gp, FigureLayout layout) { draw_seed_grid(gp, config_name, panels, layout); });
}

const std::vector<double>& figure_widths_inches() {
  static const std::vector<double> widths = {kPhoneFigureInches, 4.6, 5.6, kWidestFigureInches, kPanelledFigureInches};
  return widths;
}

double figure_width_inches(const std::string& name, int hidden) {
  // Beyond a plane the weights figure has three 3-inch panels a row (one pair of dimensions each)
  // and the key.
  if (name == "weights") return std::min(hidden, 4) <= 2 ? kWidestFigureInches : kPanelledFigureInches;
  if (name == "interactions" || name == "interference") return 4.6;
  if (name == "bias" || name == "loss") return 5.6;
  return kWidestFigureInches;  // weights-change
}

const std::vector<std::string>& figure_names() {
  static const std::vector<std::string> names = {"weights", "interactions", "bias", "interference", "loss"};
  return names;
}

std::string feature_colour(int feature) {
  static const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                         "#D55E00", "#56B4E9", "#F0E442", "#000000"};
  return kPalette[feature % 8];
}

void plot_run_figures(const RunResults& run, const std::filesystem::path& out_dir,
                      const std::vector<std::string>& only) {
  for (const std::string& name : only)
    if (std::find(figure_names().begin(), figure_names().end(), name) == figure_names().end())
      throw InputError(fmt::format("command line: unknown figure '{}' (expected {})", name,
                                   fmt::join(figure_names(), ", ")));
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  const Geometry g = analyse(run.model.weights);
  const Eigen::MatrixXd bias_row = run.model.bias.cast<double>().transpose();
  // Each figure's page size, and its phone size: a phone's width, the height its layout needs.
  auto sized = [](double page_width, double page_height, double phone_height) {
    return [=](FigureLayout layout) {
      return layout == FigureLayout::page ? Canvas{page_width, page_height} : Canvas{kPhoneFigureInches, phone_height};
    };
  };
  if (wanted("weights"))
    draw_page_and_phone(out_dir / "weights", [&](FigureLayout layout) { return weights_canvas(run, layout); },
                        [&](Gnuplot& gp, FigureLayout layout) { draw_weights(gp, run, layout); });
  if (wanted("interactions"))
    draw_page_and_phone(out_dir / "interactions", sized(figure_width_inches("interactions", 2), 4.2, 3.7),
                        [&](Gnuplot& gp, FigureLayout) {
                          draw_matrix(gp, g.interactions, "feature interactions W W^T", "feature j", "feature i",
                                      kInteractionScale);
                        });
  if (wanted("bias"))
    draw_page_and_phone(out_dir / "bias", sized(figure_width_inches("bias", 2), 1.9, 1.7), [&](Gnuplot& gp, FigureLayout) {
      draw_matrix(gp, bias_row, "bias b", "feature", "", kBiasScale);
    });
  if (wanted("interference"))
    draw_page_and_phone(out_dir / "interference", sized(figure_width_inches("interference", 2), 3.4, 3.2),
                        [&](Gnuplot& gp, FigureLayout) { draw_interference(gp, run); });
  if (wanted("loss"))
    draw_page_and_phone(out_dir / "loss", sized(figure_width_inches("loss", 2), 3.2, 3.8),
                        [&](Gnuplot& gp, FigureLayout layout) { draw_loss(gp, run, layout); });
  nlohmann::ordered_json manifest = {{"run", run.config.name}, {"config_hash", run.config_hash},
                                     {"figures", only.empty() ? figure_names() : only}};
  write_file_atomically(out_dir / "figures.json", manifest.dump(1) + "\n");
}

}  // namespace superpos
