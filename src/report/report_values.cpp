#include "report/report_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "analysis/feature_measures.hpp"
#include "analysis/geometry.hpp"
#include "io/sha256.hpp"
#include "report/markdown_text.hpp"
#include "report/report_parts.hpp"

namespace superpos {
namespace {

using namespace report_parts;

constexpr const char* kVerbs[] = {"num",   "table",     "figure",     "claims",   "claim",    "measured",
                                  "robustness", "robust", "seed_gallery", "robustness_summary", "seeds",
                                  "provenance", "report_hash", "benchmark", "config", "describe", "lines",
                                  "norms", "reproduction", "generic_chapters", "represented", "notebook_sanity", "paper",
                                  "differences"};

int index_arg(const std::vector<std::string>& words, std::size_t at, long limit) {
  if (words.size() <= at) throw std::runtime_error("missing feature index");
  const std::string& text = words[at];
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw std::runtime_error(fmt::format("feature index '{}' is not a whole number", text));
  if (value < 0 || value >= limit)
    throw std::runtime_error(fmt::format("feature index {} is out of range (the run has {} features)", value, limit));
  return value;
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
  if (what == "expected_loss") return fmt::format("{:.3f}", run.evaluation.expected_loss);
  if (what == "relative_loss") return fmt::format("{:.3f}", run.evaluation.expected_loss / run.evaluation.input_energy);
  if (what == "dimensionality")
    return fmt::format("{:.2f}", feature_measures(run.model.weights).dimensionality[index_arg(w, 3, n)]);
  if (what == "recovered") return fmt::format("{:.0f}%", 100 * recovered_fraction(run)[index_arg(w, 3, n)]);
  if (what == "represented_count") return fmt::format("{}", represented(run, c.thresholds).size());
  if (what == "article_diff") return fmt::format("{:.1e}", max_difference_from_article(c, w[1]));
  throw std::runtime_error(
      fmt::format("unknown quantity '{}' (expected norm, bias, interference, angle, interaction, loss, expected_loss, "
                  "relative_loss, dimensionality, recovered, represented_count, article_diff)", what));
}

// The training keys a printed tensor's configuration fixes; title, log_every and the claims do
// not change the weights.
constexpr const char* kTrainingKeys[] = {"features", "hidden", "activation", "input", "sparsity", "importance_decay", "steps",
                                         "batch", "lr", "weight_decay", "seed", "stream_offset"};

std::string json_value_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return fmt::format("{}", value.get<double>());
  return value.dump();
}

}  // namespace

double max_difference_from_article(const ReportContext& c, const std::string& name) {
  if (!c.article_printed.contains(name)) return std::nan("");
  const RunResults& run = run_named(c, name);
  const auto& printed = c.article_printed.at(name).at("weights");
  if (printed.size() != static_cast<std::size_t>(run.model.weights.rows())) return std::nan("");
  double worst = 0.0;
  for (Eigen::Index i = 0; i < run.model.weights.rows(); ++i) {
    if (printed.at(i).size() != static_cast<std::size_t>(run.model.weights.cols())) return std::nan("");
    for (Eigen::Index k = 0; k < run.model.weights.cols(); ++k)
      worst = std::max(worst, std::abs(printed.at(i).at(k).get<double>() - run.model.weights(i, k)));
  }
  return worst;
}

std::vector<std::string> article_differences(const ReportContext& c, const std::string& name) {
  const RunResults& run = run_named(c, name);
  if (!c.article_printed.contains(name) || !c.article_printed.at(name).contains("config"))
    throw std::runtime_error(fmt::format("the article printed no W for '{}' (report/article_printed.json)", name));
  const nlohmann::json& article = c.article_printed.at(name).at("config");
  std::vector<std::string> differences;
  for (const char* key : kTrainingKeys) {
    if (!article.contains(key)) throw std::runtime_error(fmt::format("article_printed.json: '{}' has no config key '{}'", name, key));
    const std::string ours = config_value(run, key);
    const std::string theirs = json_value_text(article.at(key));
    // Numbers compare as numbers ("0.5" and "0.50" are one value).
    double a = 0, b = 0;
    const bool numeric = std::from_chars(ours.data(), ours.data() + ours.size(), a).ec == std::errc() &&
                         std::from_chars(theirs.data(), theirs.data() + theirs.size(), b).ec == std::errc();
    if (numeric ? a != b : ours != theirs)
      differences.push_back(fmt::format("{} {} (article: {})", key, markdown_literal(ours), markdown_literal(theirs)));
  }
  return differences;
}

std::vector<std::string> run_differences(const ReportContext& c, const std::string& a, const std::string& b,
                                         const std::string& except) {
  const RunResults& first = run_named(c, a);
  const RunResults& second = run_named(c, b);
  std::vector<std::string> differences;
  for (const char* key : kTrainingKeys) {
    // Where in the random stream a run starts is its draw, not its setting.
    if (key == except || std::string_view(key) == "seed" || std::string_view(key) == "stream_offset") continue;
    const std::string ours = config_value(first, key), theirs = config_value(second, key);
    if (ours != theirs)
      differences.push_back(fmt::format("{} {} and {}", key, markdown_literal(ours), markdown_literal(theirs)));
  }
  return differences;
}

void check_placeholder(const std::vector<std::string>& words) {
  if (std::find(std::begin(kVerbs), std::end(kVerbs), words.at(0)) == std::end(kVerbs))
    throw std::runtime_error(fmt::format("unknown verb '{}' (the verbs are listed at the top of report/report.md)", words[0]));
}

bool resolve_condition(const ReportContext& c, const std::vector<std::string>& w) {
  const std::string& test = w.at(0);
  auto arg = [&]() -> const std::string& {
    if (w.size() != 2) throw std::runtime_error(fmt::format("'{}' takes one argument", test));
    return w[1];
  };
  if (test == "holds") return claim_with_id(c.claims, arg()).verdict == Verdict::holds;
  if (test == "fails") return claim_with_id(c.claims, arg()).verdict == Verdict::fails;
  if (test == "evaluated") return claim_with_id(c.claims, arg()).verdict != Verdict::not_evaluated;
  if (test == "comparable") return article_differences(c, arg()).empty();
  if (test == "same_except") {
    if (w.size() != 4) throw std::runtime_error("'same_except' takes two runs and a key");
    return run_differences(c, w[1], w[2], w[3]).empty();
  }
  if (test == "benchmark") {
    if (w.size() != 1) throw std::runtime_error("'benchmark' takes no argument");
    return !c.benchmark_markdown.empty();
  }
  if (test == "chapter") {
    if (w.size() < 2) throw std::runtime_error("'chapter' needs at least one run name");
    const bool present = std::all_of(w.begin() + 1, w.end(), [&](const std::string& name) { return c.runs.contains(name); });
    if (present) c.chaptered.insert(w.begin() + 1, w.end());
    return present;
  }
  if (test == "run") {
    if (w.size() < 2) throw std::runtime_error("'run' needs at least one run name");
    return std::all_of(w.begin() + 1, w.end(), [&](const std::string& name) { return c.runs.contains(name); });
  }
  throw std::runtime_error(
      fmt::format("unknown condition '{}' (expected holds, fails, evaluated, comparable, same_except, run or benchmark)",
                  test));
}

std::string resolve_placeholder(const ReportContext& c, const std::vector<std::string>& w) {
  check_placeholder(w);
  const std::string& verb = w[0];
  auto arg = [&](std::size_t k) -> const std::string& {
    if (w.size() <= k) throw std::runtime_error(fmt::format("'{}' needs more arguments", verb));
    return w[k];
  };
  if (verb == "num") return number(c, w);
  if (verb == "table") {
    if (arg(2) == "weights") return weights_table(run_named(c, arg(1)));
    if (arg(2) == "angles") return angles_table(run_named(c, arg(1)));
    if (arg(2) == "parameters") return parameters_table(run_named(c, arg(1)));
    if (arg(2) == "article") return article_table(c, arg(1));
    throw std::runtime_error(fmt::format("unknown table '{}' (expected weights, angles, parameters or article)", arg(2)));
  }
  if (verb == "figure") {
    if (w.size() != 3) throw std::runtime_error("usage: figure RUN NAME (the caption is made from the run)");
    return figure(c, w[1], w[2]);
  }
  if (verb == "claims") {  // the subject may be several words: "relu_05 vs relu_09"
    std::string subject = arg(1);
    for (std::size_t k = 2; k < w.size(); ++k) subject += " " + w[k];
    return claims_table(c, subject);
  }
  if (verb == "claim") return badge(claim_with_id(c.claims, arg(1)));
  if (verb == "measured") return typographic(claim_with_id(c.claims, arg(1)).measured);
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
  if (verb == "config") return markdown_literal(config_value(run_named(c, arg(1)), arg(2)));
  if (verb == "differences") {
    if (w.size() != 4) throw std::runtime_error("'differences' takes two runs and a key");
    const std::vector<std::string> differences = run_differences(c, w[1], w[2], w[3]);
    if (differences.empty()) throw std::runtime_error(fmt::format("'{}' and '{}' differ in nothing but {}", w[1], w[2], w[3]));
    std::string text;
    for (std::size_t k = 0; k < differences.size(); ++k) text += (k == 0 ? "" : "; ") + differences[k];
    return text;
  }
  if (verb == "describe") return describe_run(run_named(c, arg(1)));
  if (verb == "lines") return lines_sentence(c, run_named(c, arg(1)));
  if (verb == "norms") return norms_list(run_named(c, arg(1)));
  if (verb == "represented") return represented_sentence(c, run_named(c, arg(1)));
  if (verb == "reproduction") return reproduction_summary(c);
  if (verb == "generic_chapters") return generic_chapters(c);
  if (verb == "notebook_sanity") return notebook_sanity(c);
  if (verb == "paper") return paper_summary(c);
  throw std::logic_error(fmt::format("verb '{}' is listed but not handled", verb));
}

}  // namespace superpos
