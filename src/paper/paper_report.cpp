#include "paper/paper_report.hpp"

#include "paper/computation_readings.hpp"
#include "paper/paper_claims.hpp"
#include "paper/paper_figures.hpp"
#include "analysis/feature_measures.hpp"

#include <algorithm>
#include <numeric>
#include <fmt/format.h>
#include <stdexcept>

#include "io/config.hpp"
#include "io/sha256.hpp"
#include "report/fill_template.hpp"
#include "report/markdown_text.hpp"
#include "report/report_values.hpp"

namespace superpos {
namespace {

std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

const ClaimResult& claim_with_id(const PaperContext& c, const std::string& id) {
  for (const ClaimResult& claim : c.claims)
    if (claim.id == id) return claim;
  throw std::runtime_error(fmt::format("no claim '{}' in the paper's chapters", id));
}

const SweepResults& sweep_of(const PaperContext& c, const std::string& role) {
  const auto found = c.sweeps.find(role);
  if (found == c.sweeps.end()) throw std::runtime_error(fmt::format("no sweep for the chapter '{}'", role));
  return found->second;
}

std::string paper_badge(const PaperContext& c, const ClaimResult& claim) {
  return is_fragile(c, claim) ? std::string("[fragile]{.verdict-fragile}") : badge(claim);
}

// After a sentence that reads a claim as holding: nothing when it holds on enough seeds, else how
// few, so that the prose never reads a fragile claim as settled.
std::string caveat(const PaperContext& c, const ClaimResult& claim) {
  if (!is_fragile(c, claim)) return "";
  const RobustCount& r = c.robust.at(claim.id);
  return fmt::format(" On the robustness seeds this holds on only {} of {}, so the reading is fragile.", r.holds, r.seeds);
}

std::string robust_text(const PaperContext& c, const std::string& id) {
  const auto found = c.robust.find(id);
  if (found == c.robust.end()) return "—";
  return fmt::format("{} of {}", found->second.holds, found->second.seeds);
}

std::string thousands(long value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return out;
}

// "10 sparsities from 0 to 0.95", or "sparsity 0.7" for one (sorted).
std::string sparsity_range(const std::vector<double>& sorted) {
  if (sorted.size() == 1) return fmt::format("sparsity {:.3g}", sorted.front());
  return fmt::format("{} sparsities from {:.3g} to {:.3g}", sorted.size(), sorted.front(), sorted.back());
}

std::string setting(const PaperContext& c, const std::string& role) {
  const SweepResults& s = sweep_of(c, role);
  const RunConfig& config = s.config;
  const TrainSettings& t = config.train;
  std::vector<double> sparsities = config.instance_sparsities;
  std::sort(sparsities.begin(), sparsities.end());
  std::string importance =
      config.instance_decays.empty()
          ? (t.importance_decay == 1.0 ? std::string("equal importance")
                                       : fmt::format("importance ${:g}^i$", t.importance_decay))
          : fmt::format("the second feature's relative importance at {} values from {:.3g} to {:.3g}",
                        config.instance_decays.size(),
                        *std::min_element(config.instance_decays.begin(), config.instance_decays.end()),
                        *std::max_element(config.instance_decays.begin(), config.instance_decays.end()));
  const std::vector<std::string> differences = differences_from_article(config);
  return fmt::format(
      "{}: {} features {} {} {}{}, {} model, {}, {} ({} instance{} in all{}); {} steps of batch {}, lr {:g}, "
      "weight decay {:g}, seed {}, {}. Where it differs from the article's setting: {}.",
      code_span(shown_path(s.config_path, working_folder())), t.features,
      t.task == Task::absolute_value ? "through" : "in", t.hidden, t.task == Task::absolute_value ? "neuron" : "dimension",
      t.hidden == 1 ? "" : "s", t.activation == Activation::relu ? "ReLU" : "linear", importance,
      sparsity_range(sparsities), instance_count(config), instance_count(config) == 1 ? "" : "s",
      config.restarts > 1 ? fmt::format(", each trained from {} initialisations, keeping the lowest held-out loss",
                                        config.restarts)
                          : std::string(),
      thousands(t.steps), t.batch, t.lr, t.weight_decay, t.seed,
      config.shared_stream ? "every instance from one shared random stream, as the notebook draws it"
                           : "each instance from its own random stream",
      differences.empty() ? std::string("nowhere") : fmt::format("{}", fmt::join(differences, "; ")));
}

std::string caption(const SweepResults& s, const std::string& what) {
  const std::string trainer = s.instances.empty() ? std::string("?") : s.instances.front().run.trainer_hash.substr(0, 12);
  return fmt::format("{} (sweep `{}` · config `{}` · trainer `{}`)", what, s.config.name,
                     sha256_hex(canonical_text(s.config)).substr(0, 12), trainer);
}

std::string figure(const PaperContext& c, const std::string& name) {
  const auto& figures = paper_figures();
  const auto found = std::find_if(figures.begin(), figures.end(), [&](const auto& f) { return f.first == name; });
  if (found == figures.end()) throw std::runtime_error(fmt::format("no figure '{}' in the paper's chapters", name));
  const SweepResults& s = sweep_of(c, found->second);
  std::string what;
  if (name == "intro_panels")
    what = "Rows of $W$ in the hidden plane at each sparsity $S$, one panel per instance";
  else if (name == "many_linear" || name == "many_relu")
    what = fmt::format("{} model: $W W^{{\\top}}$ and the row norms $\\lVert W_i \\rVert$ at five sparsities; a bar's "
                       "colour is feature $i$'s superposition $\\sum_{{j \\ne i}} (\\hat W_i \\cdot W_j)^2$",
                       name == "many_linear" ? "Linear" : "ReLU");
  else if (name == "phase_diagram")
    what = fmt::format("The phase of feature 2 in each cell of the grid over sparsity and relative importance: "
                       "trained (the panel titled so; {} initialisation{} a cell, the lowest held-out loss kept), and "
                       "the phase of the best of the three candidate solutions (the panel titled theory; side by side "
                       "on a page, one above the other on a phone)",
                       s.config.restarts, s.config.restarts == 1 ? "" : "s");
  else if (name.starts_with("pairs_"))
    what = "Rows of $W$ in the hidden plane at each sparsity $S$; features $2k$ and $2k+1$ form pair $k$";
  else if (name == "dynamics")
    what = "Each represented feature's dimensionality $D_i$ over training, with the paper's fractions, and the loss below";
  else if (name.starts_with("computation"))
    what = fmt::format("$W_1$ of each model, a row per neuron grouped by the feature it reads most and a column per "
                       "feature (features 0 to {} of {}; blue negative, red positive), titled with its sparsity, its "
                       "monosemantic neurons and its computed features",
                       shown_neuron_features(s) - 1, s.config.train.features);
  else if (name == "geometry_dims")
    what = "Hidden dimensions per feature $m / \\lVert W \\rVert_F^2$ against $1/(1-S)$";
  else
    what = "Each represented feature's dimensionality $D_i$ against $1/(1-S)$, with the paper's fractions";
  return fmt::format("![{}]({}){{#fig:{} width=95%}}", caption(s, what), link_destination(c.figures_dir + "/" + name),
                     name);
}

// A reviewed threshold by name (paper_command fills them all from thresholds.ini): the explorer reads
// exactly what the claims read, never a number of its own.
double threshold_value(const PaperContext& c, const std::string& name) {
  const auto found = c.threshold_values.find(name);
  if (found == c.threshold_values.end()) throw std::logic_error("explorer: no threshold '" + name + "'");
  return found->second;
}

// What the explorer shows beside instance k's panel: the numbers the chapter's claims read.
std::vector<std::pair<std::string, std::string>> instance_numbers(const SweepInstance& i, const PaperContext& c, bool grid) {
  const TrainSettings& t = i.run.config.train;
  const Weights& w = i.run.model.weights;
  std::vector<std::pair<std::string, std::string>> rows = {{"sparsity S", fmt::format("{:.4g}", i.sparsity)},
                                                           {"1/(1 − S)", fmt::format("{:.3g}", 1.0 / (1.0 - i.sparsity))}};
  const double min_norm = threshold_value(c, "represented_norm");
  if (t.task == Task::absolute_value) {
    const ComputationReading r = read_computation(i.run.model, min_norm, threshold_value(c, "monosemantic_purity"),
                                                  threshold_value(c, "computed_r2"));
    rows.push_back({"monosemantic neurons", fmt::format("{} of {}", r.monosemantic, r.live)});
    rows.push_back({"polysemantic neurons", fmt::format("{} of {}", r.polysemantic, r.live)});
    rows.push_back({"features computed", fmt::format("{} of {}", r.computed, w.rows())});
  } else {
    if (grid) rows.push_back({"relative importance", fmt::format("{:.3g}", i.importance_decay)});
    const std::vector<double> dims = represented_dimensionalities(w, min_norm);
    rows.push_back({"represented features", fmt::format("{} of {}", dims.size(), w.rows())});
    rows.push_back({"dimensions per feature", w.isZero(0.0f) ? std::string("—") : fmt::format("{:.3f}", dimensions_per_feature(w))});
    if (!dims.empty())
      rows.push_back({"mean D_i (represented)", fmt::format("{:.3f}", std::accumulate(dims.begin(), dims.end(), 0.0) / dims.size())});
  }
  rows.push_back({"held-out loss", fmt::format("{:.3g}", i.run.evaluation.expected_loss)});
  return rows;
}

// The HTML explorer of a sweep (issue #27): a slider (two for a grid over sparsity and importance)
// over its instances, switching a phone-wide panel of the instance and its numbers together. Raw
// HTML, so LaTeX drops it and the PDF keeps the grid figure; hidden until the page's script shows
// it, so that without JavaScript the grid is what one sees.
std::string explorer(const PaperContext& c, const std::string& role) {
  const SweepResults& s = sweep_of(c, role);
  if (c.explorer_roles) c.explorer_roles->insert(role);
  const std::size_t n = s.instances.size();
  const std::size_t per = s.config.instance_sparsities.size(), decays = n / std::max<std::size_t>(1, per);
  // Slider positions: by sparsity (and by importance for a grid); k as the folders number them.
  std::vector<std::size_t> order(per);
  for (std::size_t k = 0; k < per; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return s.instances[a].sparsity < s.instances[b].sparsity; });
  const double represented_norm = threshold_value(c, "represented_norm");
  std::string out = "```{=html}\n<div class=\"explorer\" data-explorer hidden>\n";
  out += fmt::format("<p class=\"explorer-title\">Explore <code>{}</code> instance by instance: <span data-explorer-label></span></p>\n",
                     html_text(s.config.name));
  out += fmt::format("<label>sparsity <input type=\"range\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\" data-explorer-slider "
                     "data-stride=\"1\" aria-label=\"sparsity\"></label>\n", per - 1);
  if (decays > 1)
    out += fmt::format("<label>relative importance <input type=\"range\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\" "
                       "data-explorer-slider data-stride=\"{}\" aria-label=\"relative importance\"></label>\n", decays - 1, per);
  for (std::size_t d = 0; d < decays; ++d)
    for (std::size_t position = 0; position < per; ++position) {
      const std::size_t k = d * per + order[position];
      const SweepInstance& i = s.instances[k];
      const std::size_t shown = d * per + position;
      const std::string label = decays > 1 ? fmt::format("S = {:.3g}, relative importance {:.3g}", i.sparsity, i.importance_decay)
                                           : fmt::format("S = {:.3g}", i.sparsity);
      // data-hover: the panel's plots and numbers, which the page's script shows under a pointer or a tap.
      out += fmt::format("<figure data-k=\"{}\" data-label=\"{}\" hidden><div class=\"hover-host\"><img src=\"{}\" alt=\"{} of {}\" "
                         "data-hover=\"{}\"><output class=\"hover-tip\" hidden></output></div>\n<table>\n", shown,
                         html_text(label), html_text(c.figures_dir + "/explore/" + role + "/i" + std::to_string(k) + ".svg"),
                         html_text(label), html_text(s.config.name),
                         html_text(instance_panel_hover(s, k, represented_norm).dump()));
      for (const auto& [what, value] : instance_numbers(i, c, decays > 1))
        out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_text(what), html_text(value));
      out += "</table></figure>\n";
    }
  out += "</div>\n```\n";
  return out;
}

std::string claims_table(const PaperContext& c, const std::string& subject) {
  const bool seeded = std::any_of(c.claims.begin(), c.claims.end(), [&](const ClaimResult& claim) {
    return (subject == "all" || claim.subject == subject) && c.robust.contains(claim.id);
  });
  std::string out = fmt::format("| claim | verdict |{} measured | threshold |\n|---|---|{}---|---|\n",
                                seeded ? " seeds |" : "", seeded ? "---:|" : "");
  int rows = 0;
  for (const ClaimResult& claim : c.claims) {
    if (subject != "all" && claim.subject != subject) continue;
    out += fmt::format("| {} (`{}`) | {} |{} {} | {} |\n", cell(claim.statement), claim.id, paper_badge(c, claim),
                       seeded ? fmt::format(" {} |", robust_text(c, claim.id)) : "", cell(claim.measured),
                       cell(claim.threshold));
    ++rows;
  }
  if (rows == 0) throw std::runtime_error(fmt::format("no claims of the chapter '{}'", subject));
  out += fmt::format("\nTable: The paper's claims on {}{}.\n", subject == "all" ? "every chapter" : "this chapter",
                     seeded ? fmt::format("; “seeds” counts the robustness seeds on which each holds, and a claim "
                                          "that holds here but on fewer than {:g}% of them is fragile",
                                          100 * c.robust_share)
                            : "");
  return out;
}

std::string config_value(const PaperContext& c, const std::string& role, const std::string& key) {
  return setting_value(sweep_of(c, role).config, key);
}

// The "here" column of a sources table: a row of the sweep's setting, in the words the paper and
// notebook columns use.
std::string here_value(const PaperContext& c, const std::string& role, const std::string& row) {
  const RunConfig& config = sweep_of(c, role).config;
  const TrainSettings& t = config.train;
  if (row == "shape") return fmt::format("{}, {}", t.features, t.hidden);
  if (row == "activation") return t.activation == Activation::relu ? "ReLU" : "linear";
  if (row == "importance") {
    if (!config.instance_decays.empty())
      return fmt::format("feature 2 relative to feature 1, {} values from {:.3g} to {:.3g}", config.instance_decays.size(),
                         *std::min_element(config.instance_decays.begin(), config.instance_decays.end()),
                         *std::max_element(config.instance_decays.begin(), config.instance_decays.end()));
    return t.importance_decay == 1.0 ? std::string("equal") : fmt::format("{:g}^i", t.importance_decay);
  }
  if (row == "grid") {
    std::vector<double> s = config.instance_sparsities;
    std::sort(s.begin(), s.end());
    return sparsity_range(s);
  }
  if (row == "training")
    return fmt::format("{} steps of batch {}, AdamW at lr {:g}, {}, weight decay {:g}", thousands(t.steps),
                       thousands(t.batch), t.lr, t.schedule == LrSchedule::constant ? "constant" : "cosine", t.weight_decay);
  if (row == "restarts")
    return config.restarts == 1 ? std::string("1")
                                : fmt::format("{}, the lowest held-out loss kept", config.restarts);
  if (row == "seeds") {
    const auto found = c.role_seeds.find(role);
    const int extra = found == c.role_seeds.end() ? 0 : found->second;
    return extra == 0 ? fmt::format("{}", t.seed) : fmt::format("{} and {} robustness seeds", t.seed, extra);
  }
  if (row == "stream") return config.shared_stream ? "one for all instances" : "one per instance";
  if (row == "pairs") return to_string(config.feature_pairs);
  if (row == "snapshots")
    return t.snapshot_every > 0 ? fmt::format("every {} steps", thousands(t.snapshot_every)) : std::string("never");
  throw std::runtime_error(fmt::format("sources: unknown row '{}'", row));
}

// The chapter's setting beside the paper's and the notebook's (report/paper/sources.json), then
// the notes whose config values hold. Text from the file is data: escaped, never markup.
std::string sources_table(const PaperContext& c, const std::string& chapter) {
  try {
    const nlohmann::json& entry = c.sources.at("chapters").at(chapter);
    std::vector<std::string> roles = entry.at("roles").get<std::vector<std::string>>();
    if (roles.empty()) throw std::runtime_error(fmt::format("sources: chapter '{}' names no sweep", chapter));
    std::string out = "| | paper | notebook | here |\n|---|---|---|---|\n";
    for (const auto& row : entry.at("rows")) {
      std::vector<std::string> here;
      for (const std::string& role : roles) {
        const std::string value = here_value(c, role, row.at("here").get<std::string>());
        if (std::find(here.begin(), here.end(), value) == here.end()) here.push_back(value);
      }
      // markdown_literal escapes '|' too, so a cell's text cannot split its row.
      out += fmt::format("| {} | {} | {} | {} |\n", markdown_literal(row.at("row").get<std::string>()),
                         markdown_literal(row.at("paper").get<std::string>()),
                         markdown_literal(row.at("notebook").get<std::string>()),
                         markdown_literal(fmt::format("{}", fmt::join(here, " / "))));
    }
    out += "\nTable: The setting of Elhage et al.'s paper, of their notebook, and of this chapter's sweep"
           " (a dash: not taken from that source here).\n";
    for (const auto& note : entry.at("notes")) {
      bool applies = true;
      for (const auto& [key, value] : note.at("when").items())
        applies = applies && setting_value(sweep_of(c, roles.front()).config, key) == value.get<std::string>();
      if (applies) out += "\n" + markdown_literal(note.at("text").get<std::string>()) + "\n";
    }
    return out;
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(fmt::format("sources: chapter '{}' is malformed or missing ({})", chapter, error.what()));
  }
}

void need(const std::vector<std::string>& words, std::size_t n) {
  if (words.size() != n)
    throw std::runtime_error(fmt::format("'{}' takes {} word(s)", words[0], n - 1));
}

}  // namespace

bool is_fragile(const PaperContext& context, const ClaimResult& claim) {
  const auto found = context.robust.find(claim.id);
  return claim.verdict == Verdict::holds && found != context.robust.end() && found->second.seeds > 0 &&
         found->second.holds < context.robust_share * found->second.seeds;
}

std::string shown_verdict(const PaperContext& context, const ClaimResult& claim) {
  return is_fragile(context, claim) ? "fragile" : to_string(claim.verdict);
}

const std::vector<std::pair<std::string, std::string>>& paper_figures() {
  static const std::vector<std::pair<std::string, std::string>> figures = {
      {"intro_panels", "intro"},   {"many_linear", "many_linear"},  {"many_relu", "many_relu"},
      {"phase_diagram", "phase"}, {"geometry_dims", "geometry"}, {"geometry_di", "geometry"},
      {"dynamics", "dynamics"},       {"pairs_correlated", "correlated"}, {"pairs_anticorrelated", "anticorrelated"},
      {"pairs_correlated_three", "correlated_three"}, {"computation", "computation"},
      {"computation_small", "computation_small"}};
  return figures;
}

std::string setting_value(const RunConfig& config, const std::string& key) {
  for (const auto& [k, v] : config_entries(config))
    if (k == key) return v;
  // Keys the canonical text states only away from their defaults (so that old hashes stand).
  if (key == "restarts") return std::to_string(config.restarts);
  if (key == "instance_stream") return config.shared_stream ? "shared" : "own";
  if (key == "schedule") return to_string(config.train.schedule);
  if (key == "feature_loss") return to_string(config.train.feature_loss);
  if (key == "feature_pairs") return to_string(config.feature_pairs);
  throw std::runtime_error(fmt::format("no configuration key '{}'", key));
}

std::vector<std::string> differences_from_article(const RunConfig& config) {
  const TrainSettings& t = config.train;
  const TrainSettings article;
  std::vector<std::string> out;
  if (t.input != article.input && t.task != Task::absolute_value)
    out.push_back("a present feature is uniform on [0, 1), not standard normal");
  if (t.schedule != article.schedule) out.push_back("the learning rate is constant, not a cosine down to 0");
  if (t.feature_loss != article.feature_loss) out.push_back("the loss averages over features instead of summing");
  if (config.shared_stream) out.push_back("the instances share one random stream and one initialisation tensor");
  if (t.task == Task::absolute_value)
    out.push_back("the model computes $|x|$ through a hidden layer of ReLU neurons ($W_1$, $W_2$), not $x$ through "
                  "$W W^{\\top}$, and a present feature is uniform on $[-1, 1)$");
  if (t.task == Task::absolute_value)
    out.push_back(fmt::format("{} features through {} neurons, not {} in {} dimensions", t.features, t.hidden,
                              article.features, article.hidden));
  else if (t.features != article.features || t.hidden != article.hidden)
    out.push_back(fmt::format("{} features in {} dimension{}, not {} in {}", t.features, t.hidden, t.hidden == 1 ? "" : "s",
                              article.features, article.hidden));
  if (config.instance_decays.empty() && t.importance_decay != article.importance_decay)
    out.push_back(t.importance_decay == 1.0
                      ? fmt::format("every feature equally important, not importance ${:g}^i$", article.importance_decay)
                      : fmt::format("importance ${:g}^i$, not ${:g}^i$", t.importance_decay, article.importance_decay));
  if (!config.instance_decays.empty()) out.push_back("importance varies over a grid");
  if (t.steps != article.steps || t.batch != article.batch || t.lr != article.lr || t.weight_decay != article.weight_decay)
    out.push_back("the optimiser's steps, batch, lr or weight decay");
  return out;
}

std::string fill_paper(const std::string& template_text, const std::string& template_name, const PaperContext& c) {
  const std::vector<std::string> verbs = {"setting", "figure", "claims", "measured", "verdict", "robust", "threshold",
                                          "value", "instances", "seeds", "seeded_roles", "caveat", "sources", "percent",
                                          "explorer"};
  TemplateResolver resolver;
  resolver.check = [&](const std::vector<std::string>& words) {
    if (std::find(verbs.begin(), verbs.end(), words[0]) == verbs.end())
      throw std::runtime_error(fmt::format("unknown placeholder '{}' (expected one of: {})", words[0], fmt::join(verbs, ", ")));
  };
  resolver.resolve = [&](const std::vector<std::string>& w) -> std::string {
    const std::string& verb = w[0];
    if (verb == "setting") return need(w, 2), setting(c, w[1]);
    if (verb == "figure") return need(w, 2), figure(c, w[1]);
    if (verb == "explorer") return need(w, 2), explorer(c, w[1]);
    if (verb == "claims") return need(w, 2), claims_table(c, w[1]);
    if (verb == "measured") return need(w, 2), claim_with_id(c, w[1]).measured;
    if (verb == "verdict") return need(w, 2), paper_badge(c, claim_with_id(c, w[1]));
    if (verb == "caveat") return need(w, 2), caveat(c, claim_with_id(c, w[1]));
    if (verb == "sources") return need(w, 2), sources_table(c, w[1]);
    if (verb == "robust") return need(w, 2), claim_with_id(c, w[1]), robust_text(c, w[1]);
    if (verb == "value") return need(w, 3), markdown_literal(config_value(c, w[1], w[2]));
    if (verb == "instances") return need(w, 2), std::to_string(instance_count(sweep_of(c, w[1]).config));
    if (verb == "seeds") {
      if (w.size() == 2) {
        sweep_of(c, w[1]);
        const auto found = c.role_seeds.find(w[1]);
        return std::to_string(found == c.role_seeds.end() ? 0 : found->second);
      }
      return need(w, 1), std::to_string(c.seed_count);
    }
    if (verb == "threshold" || verb == "percent") {
      need(w, 2);
      const auto found = c.threshold_values.find(w[1]);
      if (found == c.threshold_values.end()) throw std::runtime_error(fmt::format("no threshold '{}'", w[1]));
      return verb == "percent" ? fmt::format("{:g}%", 100 * found->second) : fmt::format("{:g}", found->second);
    }
    if (verb == "seeded_roles") {
      need(w, 1);
      std::vector<std::string> names;
      for (const std::string& role : c.seeded_roles) {
        const auto found = c.role_seeds.find(role);
        const int seeds = found == c.role_seeds.end() ? c.seed_count : found->second;
        names.push_back(fmt::format("`{}` ({} seed{})", sweep_of(c, role).config.name, seeds, seeds == 1 ? "" : "s"));
      }
      if (names.empty()) return "none";
      if (names.size() == 1) return names.front();
      const std::string last = names.back();
      names.pop_back();
      return fmt::format("{} and {}", fmt::join(names, ", "), last);
    }
    throw std::runtime_error(fmt::format("unknown placeholder '{}'", verb));
  };
  resolver.condition = [&](const std::vector<std::string>& w) -> bool {
    if (w.size() == 2 && w[0] == "holds") return claim_with_id(c, w[1]).verdict == Verdict::holds;
    if (w.size() == 2 && w[0] == "fails") return claim_with_id(c, w[1]).verdict == Verdict::fails;
    if (w.size() == 2 && w[0] == "fragile") return is_fragile(c, claim_with_id(c, w[1]));
    if (w.size() == 1 && w[0] == "seeded") return c.seed_count > 0 && !c.seeded_roles.empty();
    if (w.size() == 2 && w[0] == "own_stream") return !sweep_of(c, w[1]).config.shared_stream;
    throw std::runtime_error(fmt::format("unknown condition '{}' (expected holds ID, fails ID, fragile ID, own_stream ROLE or seeded)", fmt::join(w, " ")));
  };
  return fill_template(template_text, template_name, resolver);
}

}  // namespace superpos
