// The report's generated prose: descriptions of a run from its parameters, the lines its rows lie
// on, the reproduction summary, figures with captions, and a whole chapter for each configuration
// the template does not write about.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "analysis/geometry.hpp"
#include "plot/figures.hpp"
#include "report/markdown_text.hpp"
#include "report/report_parts.hpp"

namespace superpos::report_parts {
namespace {

// "0", "0 and 3", "1, 2 and 4"
std::string and_list(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  if (items.size() == 1) return items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return fmt::format("{} and {}", fmt::join(head, ", "), items.back());
}

std::string features_text(const std::vector<int>& rows) {
  std::vector<std::string> names;
  for (int i : rows) names.push_back(std::to_string(i));
  return fmt::format("{} {}", rows.size() == 1 ? "feature" : "features", and_list(names));
}

std::string figure_caption(const RunResults& run, const std::string& name) {
  const std::string of = describe_run(run);
  if (name == "weights") {
    if (run.config.train.hidden == 2) return fmt::format("Rows of $W$ as points in the hidden plane, {}", of);
    return fmt::format("Rows of $W$ projected on each pair of the first {} hidden dimensions, {}",
                       std::min(run.config.train.hidden, 4), of);
  }
  if (name == "interactions") return fmt::format("Feature interactions $W W^{{\\top}}$, {}", of);
  if (name == "bias") return fmt::format("Bias $b$, {}", of);
  if (name == "interference") return fmt::format("Interference $\\sum_{{j \\neq i}} W_i \\cdot W_j$ per feature, {}", of);
  if (name == "loss") return fmt::format("Training loss (per batch) and learning rate, {}", of);
  throw std::runtime_error(fmt::format("unknown figure '{}' (expected weights, interactions, bias, interference, loss)", name));
}

}  // namespace

const RunResults& run_named(const ReportContext& c, const std::string& name) {
  const auto found = c.runs.find(name);
  if (found == c.runs.end()) throw std::runtime_error(fmt::format("no run named '{}' in this report", name));
  return found->second;
}

std::string config_value(const RunResults& run, const std::string& key) {
  for (const auto& [name, value] : config_entries(run.config))
    if (name == key) return value;
  throw std::runtime_error(fmt::format("unknown config key '{}' (see `superpos train --help`)", key));
}

std::string describe_run(const RunResults& run) {
  const TrainSettings& t = run.config.train;
  std::string text = fmt::format("{} model at sparsity {}", t.activation == Activation::relu ? "ReLU" : "linear",
                                 t.sparsity);
  if (t.input == InputDistribution::uniform) text += " with uniform inputs";
  if (t.features != 5 || t.hidden != 2)
    text += fmt::format(" ({} features, {} hidden dimensions)", t.features, t.hidden);
  return text;
}

std::string figure(const ReportContext& c, const std::string& run_name, const std::string& name) {
  const RunResults& run = run_named(c, run_name);
  // No extension: pandoc adds .svg for HTML and .pdf for LaTeX (--default-image-extension).
  // Widths in proportion to the figures' own sizes, so their text prints at one size.
  const int percent = static_cast<int>(std::lround(
      std::min(100.0, 95.0 * figure_width_inches(name, run.config.train.hidden) / kWidestFigureInches)));
  // The id lets the prose point at it by number (templates/crossref.lua: @fig:RUN-NAME).
  return fmt::format("![{} ({})]({}){{#fig:{}-{} width={}%}}", figure_caption(run, name), provenance(run),
                     link_destination(c.figures_dir + "/" + run_name + "/" + name), run_name, name, percent);
}

std::string norms_list(const RunResults& run) {
  const Geometry g = analyse(run.model.weights);
  std::vector<std::string> parts;
  for (Eigen::Index i = 0; i < g.norms.size(); ++i) parts.push_back(fmt::format("{:.3f}", g.norms[i]));
  return and_list(parts);
}

std::string lines_sentence(const ReportContext& c, const RunResults& run) {
  const Geometry g = analyse(run.model.weights);
  const std::vector<int> rows = directional_rows(run.model.weights, c.thresholds);
  const auto lines = lines_of_rows(run.model.weights, rows, c.thresholds);
  std::vector<int> too_short;
  for (Eigen::Index i = 0; i < g.norms.size(); ++i)
    if (std::find(rows.begin(), rows.end(), i) == rows.end()) too_short.push_back(static_cast<int>(i));
  std::vector<std::string> groups;
  for (const auto& line : lines) {
    if (line.size() == 1) {
      groups.push_back(fmt::format("feature {} alone", line[0]));
      continue;
    }
    double spread = 0.0;
    bool opposite = false;
    for (int i : line) {
      spread = std::max(spread, line_angle_degrees(run.model.weights, line[0], i));
      opposite = opposite || g.angles_degrees(line[0], i) > 90.0;
    }
    groups.push_back(fmt::format("{} (within {:.2f} degrees of one line{})", features_text(line), spread,
                                 opposite ? ", pointing opposite ways" : ""));
  }
  const bool all_alone = std::all_of(lines.begin(), lines.end(), [](const auto& line) { return line.size() == 1; });
  std::string out = all_alone && lines.size() > 1
                        ? fmt::format("Its {} rows with a direction each lie on a line of their own.", rows.size())
                        : fmt::format("Its {} rows with a direction lie on {} {} through the origin: {}.", rows.size(),
                                      lines.size(), lines.size() == 1 ? "line" : "lines", and_list(groups));
  if (lines.size() >= 2) {
    std::vector<std::string> between;
    for (std::size_t a = 0; a < lines.size(); ++a)
      for (std::size_t b = a + 1; b < lines.size(); ++b)
        between.push_back(fmt::format("{:.2f}", line_angle_degrees(run.model.weights, lines[a][0], lines[b][0])));
    if (between.size() <= 10)
      out += fmt::format(" The {} between the lines {} {} degrees.", between.size() == 1 ? "angle" : "angles",
                         between.size() == 1 ? "is" : "are", and_list(between));
  }
  if (!too_short.empty()) {
    std::string who = features_text(too_short);
    who[0] = 'F';
    out += fmt::format(" {} {} too short to have a direction (under {} of the longest).", who,
                       too_short.size() == 1 ? "has a row" : "have rows", c.thresholds.direction_norm_fraction);
  }
  return out;
}

std::string represented_sentence(const ReportContext& c, const RunResults& run) {
  const Eigen::VectorXd recovered = recovered_fraction(run);
  const std::vector<int> kept = represented(run, c.thresholds);
  std::vector<int> dropped;
  for (Eigen::Index i = 0; i < recovered.size(); ++i)
    if (std::find(kept.begin(), kept.end(), i) == kept.end()) dropped.push_back(static_cast<int>(i));
  const auto percents = [&](const std::vector<int>& rows) {
    std::vector<std::string> parts;
    for (int i : rows) parts.push_back(fmt::format("{:.0f}%", 100 * recovered[i]));
    return and_list(parts);
  };
  const std::string best = achievable_energy(run) < 1.0 ? "of what a ReLU can give back, half the energy"
                                                        : "of their energy";
  std::string out;
  if (kept.empty()) out = "On held-out data the model reconstructs none of its features";
  else out = fmt::format("On held-out data the model reconstructs {} (recovering {} {})", features_text(kept),
                         percents(kept), best);
  if (!dropped.empty() && !kept.empty())
    out += fmt::format("; of {} it recovers less than half ({})", features_text(dropped), percents(dropped));
  else if (!dropped.empty())
    out += fmt::format(" ({} recovered)", percents(dropped));
  return out + ".";
}

std::string reproduction_summary(const ReportContext& c) {
  std::string out;
  for (const std::string& name : c.run_order) {
    if (!c.article_printed.contains(name)) {
      out += fmt::format("- `{}`: the article printed no tensor for this configuration.\n", name);
      continue;
    }
    const auto differences = article_differences(c, name);
    if (!differences.empty()) {
      out += fmt::format("- `{}`: **not comparable**; its parameters differ from the article's ({}).\n", name,
                         fmt::join(differences, "; "));
      continue;
    }
    const double worst = max_difference_from_article(c, name);
    out += fmt::format("- `{}` ({}): largest difference {:.1e}, {} the tolerance of $10^{{-4}}$.\n", name,
                       describe_run(run_named(c, name)), worst, worst <= 1e-4 ? "within" : "**outside**");
  }
  return out;
}

std::string generic_chapters(const ReportContext& c) {
  std::string out;
  for (const std::string& name : c.run_order) {
    if (c.chaptered.contains(name)) continue;
    const RunResults& run = run_named(c, name);
    std::string d = describe_run(run);
    d[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(d[0])));
    out += fmt::format("# {} (`{}`)\n\n", d, name);
    out += fmt::format("`report/report.md` has no chapter of its own for `{}`, so superpos reports its parameters, "
                       "figures, tables and declared claims here. {}\n\n", name, lines_sentence(c, run));
    out += parameters_table(run) + "\n";
    for (const char* figure_name : {"weights", "interactions", "bias", "interference", "loss"})
      out += figure(c, name, figure_name) + "\n\n";
    out += weights_table(run) + "\n" + angles_table(run) + "\n";
    out += claims_table(c, name) + "\n";
    if (!run.config.comparison_claims.empty())
      out += claims_table(c, fmt::format("{} vs {}", run.config.compare_with, name)) + "\n";
  }
  return out;
}

std::string paper_summary(const ReportContext& c) {
  if (c.paper_claims.is_null())
    return "The chapters on Elhage et al.'s own experiments were not built with this report.";
  int holds = 0, total = 0;
  std::vector<std::string> failing, fragile;
  try {
    for (const auto& claim : c.paper_claims) {
      ++total;
      const std::string verdict = claim.at("verdict").get<std::string>();
      const std::string id = fmt::format("`{}`", claim.at("id").get<std::string>());
      if (verdict == "holds") ++holds;
      else if (verdict == "fragile") fragile.push_back(id);
      else failing.push_back(id);
    }
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("the paper's claims.json is malformed ({})", error.what()));
  }
  return fmt::format("Of the {} claims checked there, {} hold{}{}. The chapters are a companion document: "
                     "[HTML](paper.html), [PDF](paper.pdf).",
                     total, holds,
                     fragile.empty() ? std::string()
                                     : fmt::format("; fragile (holding on too few of the robustness seeds): {}",
                                                   fmt::join(fragile, ", ")),
                     failing.empty() ? std::string() : fmt::format("; failing: {}", fmt::join(failing, ", ")));
}

}  // namespace superpos::report_parts
