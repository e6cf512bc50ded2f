#include "report/report_values.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "analysis/geometry.hpp"
#include "io/sha256.hpp"
#include "plot/figures.hpp"

namespace superpos {
namespace {

const RunResults& run_named(const ReportContext& c, const std::string& name) {
  const auto found = c.runs.find(name);
  if (found == c.runs.end()) throw std::runtime_error(fmt::format("no run named '{}'", name));
  return found->second;
}

int index_arg(const std::vector<std::string>& words, std::size_t at, long limit) {
  if (words.size() <= at) throw std::runtime_error("missing index");
  const int value = std::stoi(words[at]);
  if (value < 0 || value >= limit) throw std::runtime_error(fmt::format("index {} out of range", value));
  return value;
}

std::string badge(const ClaimResult& claim) {
  return fmt::format("[{}]{{.verdict-{}}}", to_string(claim.verdict),
                     claim.verdict == Verdict::holds ? "holds" : claim.verdict == Verdict::fails ? "fails" : "none");
}

const ClaimResult& claim_with_id(const std::vector<ClaimResult>& claims, const std::string& id) {
  for (const ClaimResult& claim : claims)
    if (claim.id == id) return claim;
  throw std::runtime_error(fmt::format("no claim '{}'", id));
}

std::string provenance(const RunResults& run) {
  return fmt::format("run `{}` · config `{}` · trainer `{}` · `{}`", run.config.name, short_hash(run.config_hash),
                     short_hash(run.trainer_hash), run.command);
}

std::string number(const ReportContext& c, const std::vector<std::string>& w) {
  if (w.size() < 3) throw std::runtime_error("usage: num RUN QUANTITY [I [J]]");
  const RunResults& run = run_named(c, w[1]);
  const Geometry g = analyse(run.model.weights);
  const long n = run.model.weights.rows();
  const std::string& what = w[2];
  if (what == "norm") return fmt::format("{:.3f}", g.norms[index_arg(w, 3, n)]);
  if (what == "bias") return fmt::format("{:.3f}", run.model.bias[index_arg(w, 3, n)]);
  if (what == "interference") return fmt::format("{:.3f}", g.interference[index_arg(w, 3, n)]);
  if (what == "angle") return fmt::format("{:.2f}", g.angles_degrees(index_arg(w, 3, n), index_arg(w, 4, n)));
  if (what == "interaction") return fmt::format("{:.3f}", g.interactions(index_arg(w, 3, n), index_arg(w, 4, n)));
  if (what == "loss") return fmt::format("{:.4f}", final_loss(run));
  if (what == "article_diff") return fmt::format("{:.1e}", max_difference_from_article(c, w[1]));
  throw std::runtime_error(fmt::format("unknown quantity '{}'", what));
}

std::string weights_table(const RunResults& run) {
  const Geometry g = analyse(run.model.weights);
  const Eigen::VectorXf importance = feature_importance(run.config.train.features, run.config.train.importance_decay);
  std::string header = "| feature | importance |";
  std::string rule = "|---:|---:|";
  for (Eigen::Index k = 0; k < run.model.weights.cols(); ++k) {
    header += fmt::format(" W[:, {}] |", k);
    rule += "---:|";
  }
  std::string out = header + " norm | bias | interference |\n" + rule + "---:|---:|---:|\n";
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i) {
    out += fmt::format("| {} | {:.3f} |", i, importance[i]);
    for (Eigen::Index k = 0; k < run.model.weights.cols(); ++k) out += fmt::format(" {:.4f} |", run.model.weights(i, k));
    out += fmt::format(" {:.4f} | {:.4f} | {:.4f} |\n", g.norms[i], run.model.bias[i], g.interference[i]);
  }
  return out + fmt::format("\nTable: W, row norms, bias and interference of `{}` (final loss {:.4f}). {}\n",
                           run.config.name, final_loss(run), provenance(run));
}

std::string angles_table(const RunResults& run) {
  const Geometry g = analyse(run.model.weights);
  const long n = run.model.weights.rows();
  std::string out = "| degrees |";
  std::string rule = "|---|";
  for (long j = 0; j < n; ++j) {
    out += fmt::format(" f{} |", j);
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (long i = 0; i < n; ++i) {
    out += fmt::format("| **f{}** |", i);
    for (long j = 0; j < n; ++j) out += j == i ? " |" : fmt::format(" {:.2f} |", g.angles_degrees(i, j));
    out += "\n";
  }
  return out + fmt::format("\nTable: Angles between rows of W in `{}`. {}\n", run.config.name, provenance(run));
}

std::string article_table(const ReportContext& c, const std::string& name) {
  const RunResults& run = run_named(c, name);
  if (!c.article_printed.contains(name)) throw std::runtime_error(fmt::format("the article printed no W for '{}'", name));
  const auto& printed = c.article_printed.at(name).at("weights");
  std::string out = "| feature | article W | superpos W | max abs. difference |\n|---:|---:|---:|---:|\n";
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i) {
    const double a0 = printed.at(i).at(0), a1 = printed.at(i).at(1);
    const double d = std::max(std::abs(a0 - run.model.weights(i, 0)), std::abs(a1 - run.model.weights(i, 1)));
    out += fmt::format("| {} | [{:.5g}, {:.5g}] | [{:.5g}, {:.5g}] | {:.1e} |\n", i, a0, a1, run.model.weights(i, 0),
                       run.model.weights(i, 1), d);
  }
  const double worst = max_difference_from_article(c, name);
  out += fmt::format("\nTable: `{}`: the article's printed W beside ours; largest difference {:.1e} ({} the 1e-4 "
                     "tolerance, which is the printed precision). {}\n",
                     name, worst, worst <= 1e-4 ? "within" : "**outside**", provenance(run));
  if (c.article_printed.at(name).contains("angles")) {
    out += "\n| pair | article angle | superpos angle |\n|---|---:|---:|\n";
    for (const auto& a : c.article_printed.at(name).at("angles"))
      out += fmt::format("| {}-{} | {:.2f} | {:.2f} |\n", a.at(0).get<int>(), a.at(1).get<int>(), a.at(2).get<double>(),
                         angle_degrees(run.model.weights, a.at(0).get<int>(), a.at(1).get<int>()));
    out += fmt::format("\nTable: `{}`: angles the notebook printed, in degrees, beside ours.\n", name);
  }
  return out;
}

std::string figure(const ReportContext& c, const std::vector<std::string>& w) {
  if (w.size() < 3) throw std::runtime_error("usage: figure RUN NAME [caption...]");
  const RunResults& run = run_named(c, w[1]);
  std::string caption;
  for (std::size_t k = 3; k < w.size(); ++k) caption += (k > 3 ? " " : "") + w[k];
  // No extension: pandoc adds .svg for HTML and .pdf for LaTeX (--default-image-extension).
  return fmt::format("![{} ({})]({}/{}/{}){{width=80%}}", caption, provenance(run), c.figures_dir, w[1], w[2]);
}

// Text for a pipe-table cell: a bare '|' (as in "max|b|") would start a new column.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string claims_table(const std::vector<ClaimResult>& claims, const std::string& subject) {
  std::string out = "| claim | verdict | measured | threshold | article section |\n|---|---|---|---|---|\n";
  for (const ClaimResult& claim : claims) {
    if (subject != "all" && claim.subject != subject) continue;
    out += fmt::format("| {} (`{}`) | {} | {} | {} | {} |\n", cell(claim.statement), claim.id, badge(claim),
                       cell(claim.measured), cell(claim.threshold), cell(claim.section));
  }
  return out;
}

// The seed sets on which claim `id` does not hold; the table, the summary and `robust` all count
// from this one list.
std::vector<const SeedSet*> seeds_failing(const ReportContext& c, const std::string& id) {
  std::vector<const SeedSet*> failing;
  for (const SeedSet& set : c.seed_sets)
    if (claim_with_id(set.claims, id).verdict != Verdict::holds) failing.push_back(&set);
  return failing;
}

std::size_t seeds_holding(const ReportContext& c, const std::string& id) {
  return c.seed_sets.size() - seeds_failing(c, id).size();
}

std::string robustness_table(const ReportContext& c) {
  if (c.seed_sets.empty()) return "*No robustness runs were made.*\n";
  std::string out = "| claim | holds in | seeds where it fails |\n|---|---:|---|\n";
  for (const ClaimResult& claim : c.claims) {
    std::vector<std::string> failing;
    for (const SeedSet* set : seeds_failing(c, claim.id))
      failing.push_back(fmt::format("[{}](#seed-{})", set->seed, set->label));
    out += fmt::format("| `{}` | {} of {} | {} |\n", claim.id, seeds_holding(c, claim.id), c.seed_sets.size(),
                       failing.empty() ? "none" : fmt::format("{}", fmt::join(failing, ", ")));
  }
  return out + fmt::format("\nTable: Each claim re-checked on {} seeds (seed s, stream offset 0). ", c.seed_sets.size()) +
         "Seed links lead to that seed's weight plots below.\n";
}

std::string robust_count(const ReportContext& c, const std::string& id) {
  return fmt::format("{} of {}", seeds_holding(c, id), c.seed_sets.size());
}

// Sentences, not a table: which claims held on every seed and which did not, so the prose around
// the robustness table always says what the runs found.
std::string robustness_summary(const ReportContext& c) {
  if (c.seed_sets.empty()) return "No robustness seeds were trained.";
  std::vector<std::string> always, sometimes;
  for (const ClaimResult& claim : c.claims) {
    const std::size_t holds = seeds_holding(c, claim.id);
    if (holds == c.seed_sets.size()) always.push_back(fmt::format("`{}`", claim.id));
    else sometimes.push_back(fmt::format("`{}` ({} of {})", claim.id, holds, c.seed_sets.size()));
  }
  std::string out = fmt::format("Of the {} claims, {} held on every one of the {} seeds.", c.claims.size(),
                                always.size(), c.seed_sets.size());
  if (!sometimes.empty())
    out += fmt::format(" These did not hold on every seed: {}. Where a claim fails on some seeds, the article's "
                       "single run showed one of several solutions training can reach, and the conclusion drawn "
                       "from it is not guaranteed.", fmt::join(sometimes, "; "));
  return out;
}

std::string seed_gallery(const ReportContext& c) {
  std::string out;
  for (const SeedSet& set : c.seed_sets) {
    std::vector<std::string> failed;
    for (const ClaimResult& claim : set.claims)
      if (claim.verdict == Verdict::fails) failed.push_back(fmt::format("`{}`", claim.id));
    out += fmt::format("#### Seed {} {{#seed-{} .unnumbered}}\n\nFails: {}.\n\n", set.seed, set.label,
                       failed.empty() ? "nothing" : fmt::format("{}", fmt::join(failed, ", ")));
    for (const RunResults& run : set.runs)
      out += fmt::format("![`{}`, seed {}]({}/{}/{}/weights){{width=24%}}\n", run.config.name, set.seed,
                         c.seed_figures_dir, set.label, run.config.name);
    out += "\n";
  }
  return out;
}

}  // namespace

double max_difference_from_article(const ReportContext& c, const std::string& name) {
  if (!c.article_printed.contains(name)) return std::nan("");
  const RunResults& run = run_named(c, name);
  const auto& printed = c.article_printed.at(name).at("weights");
  double worst = 0.0;
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i)
    for (Eigen::Index k = 0; k < run.model.weights.cols(); ++k)
      worst = std::max(worst, std::abs(printed.at(i).at(k).get<double>() - run.model.weights(i, k)));
  return worst;
}

std::string resolve_placeholder(const ReportContext& c, const std::vector<std::string>& w) {
  const std::string& verb = w[0];
  auto arg = [&](std::size_t k) -> const std::string& {
    if (w.size() <= k) throw std::runtime_error(fmt::format("'{}' needs more arguments", verb));
    return w[k];
  };
  if (verb == "num") return number(c, w);
  if (verb == "table") {
    if (arg(2) == "weights") return weights_table(run_named(c, arg(1)));
    if (arg(2) == "angles") return angles_table(run_named(c, arg(1)));
    if (arg(2) == "article") return article_table(c, arg(1));
    throw std::runtime_error(fmt::format("unknown table '{}'", arg(2)));
  }
  if (verb == "figure") return figure(c, w);
  if (verb == "claims") {  // the subject may be several words: "relu_05 vs relu_09"
    std::string subject = arg(1);
    for (std::size_t k = 2; k < w.size(); ++k) subject += " " + w[k];
    return claims_table(c.claims, subject);
  }
  if (verb == "claim") return badge(claim_with_id(c.claims, arg(1)));
  if (verb == "robustness") return robustness_table(c);
  if (verb == "robust") return robust_count(c, arg(1));
  if (verb == "seed_gallery") return seed_gallery(c);
  if (verb == "robustness_summary") return robustness_summary(c);
  if (verb == "seeds") return fmt::format("{}", c.seed_sets.size());
  if (verb == "provenance") return provenance(run_named(c, arg(1)));
  if (verb == "report_hash") return short_hash(c.report_hash);
  if (verb == "benchmark") {
    if (!c.benchmark_markdown.empty()) return c.benchmark_markdown;
    return "No benchmark in this build. `make bench` measures one on this machine; the next `make report` "
           "then shows it here.";
  }
  if (verb == "config") {
    const TrainSettings& t = run_named(c, arg(1)).config.train;
    const std::string& key = arg(2);
    if (key == "sparsity") return fmt::format("{}", t.sparsity);
    if (key == "seed") return fmt::format("{}", t.seed);
    if (key == "steps") return fmt::format("{}", t.steps);
    if (key == "batch") return fmt::format("{}", t.batch);
    if (key == "stream_offset") return fmt::format("{}", t.stream_offset);
    throw std::runtime_error(fmt::format("unknown config key '{}'", key));
  }
  throw std::runtime_error(fmt::format("unknown verb '{}'", verb));
}

}  // namespace superpos
