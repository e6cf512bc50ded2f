// Tables of the report: weights, angles, parameters, the article's tensors beside ours, claims,
// and the robustness of each claim across seeds.
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "analysis/feature_measures.hpp"
#include "analysis/geometry.hpp"
#include "io/sha256.hpp"
#include "report/markdown_text.hpp"
#include "report/report_parts.hpp"

namespace superpos::report_parts {

std::string typographic(const std::string& text) {
  std::string out;
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text.compare(k, 2, "->") == 0) {
      out += "$\\to$";
      ++k;
    } else if (text.compare(k, 3, "+/-") == 0) {
      out += "$\\pm$";
      k += 2;
    } else {
      out += text[k];
    }
  }
  return out;
}

namespace {

// Text for a pipe-table cell: typographic, and a bare '|' (as in "max|b|") escaped, since it
// would start a new column.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : typographic(text)) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string vector_text(const Eigen::RowVectorXd& row) {
  std::vector<std::string> parts;
  for (Eigen::Index k = 0; k < row.size(); ++k) parts.push_back(fmt::format("{:.5g}", row[k]));
  return fmt::format("[{}]", fmt::join(parts, ", "));
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

}  // namespace

const ClaimResult& claim_with_id(const std::vector<ClaimResult>& claims, const std::string& id) {
  for (const ClaimResult& claim : claims)
    if (claim.id == id) return claim;
  throw std::runtime_error(fmt::format("no claim '{}' is declared by the report's configurations", id));
}

std::string provenance(const RunResults& run) {
  return fmt::format("run `{}` · config `{}` · trainer `{}` · {}", run.config.name, short_hash(run.config_hash),
                     short_hash(run.trainer_hash), command_spans(run.command, working_folder()));
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
  std::string out = header + " norm | bias | interference | $D_i$ | recovered |\n" + rule + "---:|---:|---:|---:|---:|\n";
  const FeatureMeasures m = feature_measures(run.model.weights);
  const Eigen::VectorXd recovered = recovered_fraction(run);
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i) {
    out += fmt::format("| {} | {:.3f} |", i, importance[i]);
    for (Eigen::Index k = 0; k < run.model.weights.cols(); ++k) out += fmt::format(" {:.4f} |", run.model.weights(i, k));
    out += fmt::format(" {:.4f} | {:.4f} | {:.4f} | {:.3f} | {:.0f}% |\n", g.norms[i], run.model.bias[i],
                       g.interference[i], m.dimensionality[i], 100 * recovered[i]);
  }
  return out + fmt::format("\nTable: W, row norms, bias, interference, feature dimensionality $D_i$ and the share of "
                           "each feature's reproducible energy recovered on {} held-out samples, for `{}` (expected "
                           "loss {:.4f} ± {:.4f}; last training batch {:.4f}). {}\n",
                           run.evaluation.samples, run.config.name, run.evaluation.expected_loss,
                           run.evaluation.expected_loss_error, final_loss(run), provenance(run));
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

std::string parameters_table(const RunResults& run) {
  std::string out = "| key | value |\n|---|---|\n";
  for (const auto& [key, value] : config_entries(run.config))
    out += fmt::format("| `{}` | {} |\n", key, value.empty() ? "(none)" : markdown_literal(value));
  return out + fmt::format("\nTable: The parameters of `{}`, as its run recorded them. {}\n", run.config.name,
                           provenance(run));
}

std::string article_table(const ReportContext& c, const std::string& name) {
  const RunResults& run = run_named(c, name);
  const std::vector<std::string> differences = article_differences(c, name);
  if (!differences.empty())
    return fmt::format("*`{}` is not comparable with the tensor the article printed: its parameters differ "
                       "({}).*\n", name, fmt::join(differences, "; "));
  const auto& printed = c.article_printed.at(name).at("weights");
  std::string out = "| feature | article W | superpos W | max abs. difference |\n|---:|---:|---:|---:|\n";
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i) {
    Eigen::RowVectorXd theirs(run.model.weights.cols());
    for (Eigen::Index k = 0; k < theirs.size(); ++k) theirs[k] = printed.at(i).at(k).get<double>();
    const Eigen::RowVectorXd ours = run.model.weights.row(i).cast<double>();
    out += fmt::format("| {} | {} | {} | {:.1e} |\n", i, vector_text(theirs), vector_text(ours),
                       (theirs - ours).cwiseAbs().maxCoeff());
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

std::string claims_table(const ReportContext& c, const std::string& subject) {
  const bool seeds = !c.seed_sets.empty();
  std::string out = fmt::format("| claim | verdict |{} measured | threshold | what the article says |\n|---|---|{}---|---|---|\n",
                                seeds ? " seeds |" : "", seeds ? "---:|" : "");
  int rows = 0;
  for (const ClaimResult& claim : c.claims) {
    if (subject != "all" && claim.subject != subject) continue;
    const std::string article = claim.from_article
                                    ? fmt::format("“{}” ({})", cell(claim.article_says), cell(claim.section))
                                    : std::string("— (a check of ours)");
    out += fmt::format("| {}{} (`{}`) | {} |{} {} | {} | {} |\n", claim.from_article ? "" : "**Ours:** ",
                       cell(claim.statement), claim.id, badge(claim),
                       seeds ? fmt::format(" {} |", robust_count(c, claim.id)) : "", cell(claim.measured),
                       cell(claim.threshold), article);
    ++rows;
  }
  if (rows == 0) return fmt::format("*No claims are declared for {}.*\n", subject);
  if (seeds)
    out += fmt::format("\nTable: Claims on {}; “seeds” counts the {} robustness seeds on which each holds.\n",
                       subject == "all" ? "every run" : "`" + subject + "`", c.seed_sets.size());
  return out;
}

// Seed numbers with consecutive runs joined: "0–3, 5, 9–15" (short enough for a phone's column).
std::string seed_ranges(const std::vector<const SeedSet*>& sets) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < sets.size();) {
    std::size_t end = k;
    while (end + 1 < sets.size() && sets[end + 1]->seed == sets[end]->seed + 1) ++end;
    parts.push_back(end == k ? std::to_string(sets[k]->seed)
                    : fmt::format("{}{}{}", sets[k]->seed, end == k + 1 ? ", " : "–", sets[end]->seed));
    k = end + 1;
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string robustness_table(const ReportContext& c) {
  if (c.seed_sets.empty()) return "*No robustness runs were made.*\n";
  std::string out = "| claim | holds in | seeds where it does not hold |\n|---|---:|---|\n";
  for (const ClaimResult& claim : c.claims) {
    const auto failing = seeds_failing(c, claim.id);
    out += fmt::format("| `{}` | {} of {} | {} |\n", claim.id, seeds_holding(c, claim.id), c.seed_sets.size(),
                       claim.verdict == Verdict::not_evaluated ? "not evaluated on any seed"
                       : failing.empty() ? "none" : seed_ranges(failing));
  }
  return out + fmt::format("\nTable: Each claim re-checked on {} seeds (seed s, stream offset 0). ", c.seed_sets.size()) +
         "The gallery below shows each configuration on every seed.\n";
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
    if (claim.verdict == Verdict::not_evaluated) continue;
    const std::size_t holds = seeds_holding(c, claim.id);
    if (holds == c.seed_sets.size()) always.push_back(fmt::format("`{}`", claim.id));
    else sometimes.push_back(fmt::format("`{}` ({} of {})", claim.id, holds, c.seed_sets.size()));
  }
  std::string out = fmt::format("Of the {} claims evaluated, {} held on every one of the {} seeds.",
                                always.size() + sometimes.size(), always.size(), c.seed_sets.size());
  if (!sometimes.empty())
    out += fmt::format(" These did not hold on every seed: {}. Where a claim fails on some seeds, the article's "
                       "single run showed one of several outcomes training can reach, and the conclusion drawn "
                       "from it is not guaranteed.", fmt::join(sometimes, "; "));
  return out;
}

// "seeds 4 and 9", "seeds 1, 4 and 9", "every seed".
std::string seed_list(const std::vector<const SeedSet*>& sets, std::size_t of) {
  if (sets.size() == of) return "every seed";
  std::vector<std::string> numbers;
  for (const SeedSet* set : sets) numbers.push_back(std::to_string(set->seed));
  if (numbers.size() == 1) return "seed " + numbers[0];
  const std::string last = numbers.back();
  numbers.pop_back();
  return fmt::format("seeds {} and {}", fmt::join(numbers, ", "), last);
}

// One gallery figure per configuration (drawn by `superpos plot-seeds`), with a sentence saying
// which of its own claims fail on which seeds: the figure's marks, in words.
std::string seed_gallery(const ReportContext& c) {
  if (c.seed_sets.empty()) return "";
  std::string out;
  const std::size_t k = c.seed_sets.size();
  for (const std::string& name : c.run_order) {
    std::vector<std::string> failing;
    std::size_t own = 0;
    for (const ClaimResult& claim : c.claims) {
      if (!claim.id.starts_with(name + ".")) continue;
      ++own;
      std::vector<const SeedSet*> sets;
      for (const SeedSet& set : c.seed_sets)
        if (claim_with_id(set.claims, claim.id).verdict == Verdict::fails) sets.push_back(&set);
      if (!sets.empty()) failing.push_back(fmt::format("`{}` fails on {}", claim.id.substr(name.size() + 1), seed_list(sets, k)));
    }
    // The sentence goes into the caption: a heading of its own would float apart from the figure
    // on paper.
    std::string verdicts = own == 0 ? "It declares no claims of its own."
                           : failing.empty() ? fmt::format("Its {} claims hold on every seed.", own)
                                             : fmt::format("Of its {} claims, {}.", own, fmt::format("{}", fmt::join(failing, "; ")));
    out += fmt::format("![`{}` ({}) on seeds 0 to {}. {} Each panel shows the rows of $W$ on the first two hidden "
                       "dimensions, on one scale for every panel, features in the colours of the weights figures; "
                       "a red frame and a cross with a number: that many claims of `{}` fail on the seed.]"
                       "({}){{#fig:seeds-{} width=95%}}\n\n",
                       name, describe_run(run_named(c, name)), k - 1, verdicts, name,
                       link_destination(c.seed_gallery_dir + "/" + name), name);
  }
  return out;
}

}  // namespace superpos::report_parts

namespace superpos {

std::string badge(const ClaimResult& claim) {
  return fmt::format("[{}]{{.verdict-{}}}", to_string(claim.verdict),
                     claim.verdict == Verdict::holds ? "holds" : claim.verdict == Verdict::fails ? "fails" : "none");
}

}  // namespace superpos
