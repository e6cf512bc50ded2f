#include "publish/snapshot_diff.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "analysis/geometry.hpp"
#include "report/markdown_text.hpp"

namespace superpos {
namespace {

std::map<std::string, std::string> config_lines(const RunResults& run) {
  const auto entries = config_entries(run.config);
  return {entries.begin(), entries.end()};
}

std::string literal_list(const std::vector<std::string>& names) {
  std::vector<std::string> spans;
  for (const std::string& name : names) spans.push_back(code_span(name));
  return fmt::format("{}", fmt::join(spans, ", "));
}

std::map<std::string, nlohmann::json> claims_by_id(const nlohmann::json& claims) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& claim : claims) out[claim.at("id").get<std::string>()] = claim;
  return out;
}

std::string text_of(const nlohmann::json& object, const char* key) {
  return object.contains(key) && object.at(key).is_string() ? object.at(key).get<std::string>() : "";
}

void compare_numbers(const RunResults& a, const RunResults& b, const DiffTolerances& t, SnapshotDiff& diff) {
  if (a.model.weights.rows() != b.model.weights.rows() || a.model.weights.cols() != b.model.weights.cols()) {
    diff.moved.push_back({b.config.name, "shape (features x hidden)", static_cast<double>(a.model.weights.size()),
                          static_cast<double>(b.model.weights.size())});
    return;
  }
  const Geometry ga = analyse(a.model.weights), gb = analyse(b.model.weights);
  auto check = [&](const std::string& quantity, double old_value, double new_value, double tolerance) {
    if (std::abs(new_value - old_value) > tolerance) diff.moved.push_back({b.config.name, quantity, old_value, new_value});
  };
  for (Eigen::Index i = 0; i < ga.norms.size(); ++i) {
    check(fmt::format("norm of W{}", i), ga.norms[i], gb.norms[i], t.weights);
    check(fmt::format("bias b{}", i), a.model.bias[i], b.model.bias[i], t.weights);
    check(fmt::format("interference of f{}", i), ga.interference[i], gb.interference[i], t.weights);
  }
  for (Eigen::Index i = 0; i < ga.norms.size(); ++i)
    for (Eigen::Index j = i + 1; j < ga.norms.size(); ++j)
      check(fmt::format("angle W{}-W{} (deg)", i, j), ga.angles_degrees(i, j), gb.angles_degrees(i, j), t.degrees);
  check("expected loss", a.evaluation.expected_loss, b.evaluation.expected_loss,
        t.relative_loss_change * std::abs(a.evaluation.expected_loss));
}

}  // namespace

SnapshotDiff diff_snapshots(const Snapshot& old_version, const Snapshot& new_version, const DiffTolerances& t) {
  SnapshotDiff diff;
  diff.old_seeds = old_version.seeds;
  diff.new_seeds = new_version.seeds;
  for (const char* part : {"trainer", "plot", "report"}) {
    const std::string a = old_version.manifest.at("code").value(part, ""), b = new_version.manifest.at("code").value(part, "");
    if (a != b) diff.code_changes.push_back(fmt::format("{} `{}` -> `{}`", part, a.substr(0, 12), b.substr(0, 12)));
  }
  for (const auto& [name, run] : new_version.runs)
    if (!old_version.runs.contains(name)) diff.added.push_back(name);
  for (const auto& [name, run] : old_version.runs)
    if (!new_version.runs.contains(name)) diff.removed.push_back(name);
  for (const auto& [name, run] : new_version.runs) {
    if (!old_version.runs.contains(name)) continue;
    const RunResults& old_run = old_version.runs.at(name);
    const auto before = config_lines(old_run), after = config_lines(run);
    const std::size_t keys_before = diff.keys.size(), moved_before = diff.moved.size();
    std::set<std::string> keys;
    for (const auto& [key, value] : before) keys.insert(key);
    for (const auto& [key, value] : after) keys.insert(key);
    for (const std::string& key : keys) {
      const std::string a = before.contains(key) ? before.at(key) : "(unset)";
      const std::string b = after.contains(key) ? after.at(key) : "(unset)";
      if (a != b) diff.keys.push_back({name, key, a, b});
    }
    compare_numbers(old_run, run, t, diff);
    if (diff.keys.size() != keys_before || diff.moved.size() != moved_before) diff.changed_runs.push_back(name);
  }
  const auto old_claims = claims_by_id(old_version.claims), new_claims = claims_by_id(new_version.claims);
  std::set<std::string> ids;
  for (const auto& [id, claim] : old_claims) ids.insert(id);
  for (const auto& [id, claim] : new_claims) ids.insert(id);
  for (const std::string& id : ids) {
    const nlohmann::json none = nlohmann::json::object();
    const auto& a = old_claims.contains(id) ? old_claims.at(id) : none;
    const auto& b = new_claims.contains(id) ? new_claims.at(id) : none;
    SnapshotDiff::Flip flip{id, a.empty() ? "(absent)" : text_of(a, "verdict"), b.empty() ? "(absent)" : text_of(b, "verdict"),
                            text_of(a, "seeds_holding"), text_of(b, "seeds_holding")};
    if (flip.old_verdict != flip.new_verdict) diff.flips.push_back(flip);
    else if (flip.old_seeds != flip.new_seeds) diff.seed_changes.push_back(flip);
  }
  return diff;
}

std::string diff_markdown(const SnapshotDiff& diff, const Snapshot& old_version, const DiffTolerances& t,
                          const std::string& figures_dir) {
  const std::string version = old_version.meta.is_object() ? old_version.meta.value("version", "") : "";
  std::string out = "# What changed since the last published version {-}\n\n";
  // Everything below that a file supplied (the old version's meta.json and claims, configuration
  // values, run and folder names) is data: escaped, never markup (report/markdown_text.hpp).
  out += version.empty() ? fmt::format("Compared with {}.\n\n", code_span(old_version.dir.string()))
                         : fmt::format("Compared with version {}, published {} from commit {}.\n\n", code_span(version),
                                       markdown_literal(old_version.meta.value("date", "?")),
                                       code_span(old_version.meta.value("commit", "?")));
  out += diff.code_changes.empty() ? "**Code.** Unchanged (trainer, plotting and renderer hashes are equal).\n\n"
                                   : fmt::format("**Code.** Changed: {}.\n\n", fmt::join(diff.code_changes, "; "));
  if (!diff.added.empty()) out += fmt::format("**Configurations added:** {}.\n\n", literal_list(diff.added));
  if (!diff.removed.empty()) out += fmt::format("**Configurations removed:** {}.\n\n", literal_list(diff.removed));
  if (diff.old_seeds != diff.new_seeds)
    out += fmt::format("**Robustness seeds.** {} before, {} now: a claim's count across seeds is of another number of "
                       "seeds, so a changed count below need not mean a changed result.\n\n", diff.old_seeds, diff.new_seeds);
  if (diff.keys.empty()) {
    out += "**Parameters.** No configuration key changed.\n\n";
  } else {
    out += "**Parameters that changed.**\n\n| configuration | key | old | new |\n|---|---|---|---|\n";
    for (const auto& k : diff.keys)
      out += fmt::format("| {} | {} | {} | {} |\n", code_span(k.run), code_span(k.key), markdown_literal(k.old_value),
                         markdown_literal(k.new_value));
    out += "\n";
  }
  const auto flips_table = [](const std::vector<SnapshotDiff::Flip>& flips) {
    std::string table = "| claim | verdict before | verdict now | seeds before | seeds now |\n|---|---|---|---|---|\n";
    for (const auto& f : flips)
      table += fmt::format("| {} | {} | {} | {} | {} |\n", code_span(f.id), markdown_literal(f.old_verdict),
                           markdown_literal(f.new_verdict), f.old_seeds.empty() ? "-" : markdown_literal(f.old_seeds),
                           f.new_seeds.empty() ? "-" : markdown_literal(f.new_seeds));
    return table + "\n";
  };
  out += diff.flips.empty() ? "**Claims.** No verdict changed on the article's seed.\n\n"
                            : "**Claims whose verdict changed on the article's seed.**\n\n" + flips_table(diff.flips);
  if (!diff.seed_changes.empty())
    out += "**Claims with the same verdict but another count across seeds.**\n\n" + flips_table(diff.seed_changes);
  if (diff.moved.empty()) {
    out += fmt::format("**Numbers.** None moved by more than the tolerances ({} for norms, bias and interference, {} "
                       "degrees for angles, {:.0f}% for the expected loss).\n\n",
                       t.weights, t.degrees, 100 * t.relative_loss_change);
  } else {
    out += fmt::format("**Numbers that moved** by more than {} (norms, bias, interference), {} degrees (angles) or "
                       "{:.0f}% (expected loss); numbers within these are not listed.\n\n"
                       "| configuration | quantity | old | new | change |\n|---|---|---:|---:|---:|\n",
                       t.weights, t.degrees, 100 * t.relative_loss_change);
    for (const auto& m : diff.moved)
      out += fmt::format("| {} | {} | {:.4f} | {:.4f} | {:+.4f} |\n", code_span(m.run), m.quantity, m.old_value, m.new_value,
                         m.new_value - m.old_value);
    out += "\n";
  }
  if (!figures_dir.empty())
    for (const std::string& run : diff.changed_runs)
      out += fmt::format("![Rows of $W$ in {}: the previous version (hollow) and this one (filled)]({})"
                         "{{width=70%}}\n\n", code_span(run), link_destination(figures_dir + "/" + run + "/weights-change"));
  return out;
}

}  // namespace superpos
