// The paper's chapters as Markdown: fills report/paper.md from the trained sweeps, their claims and
// robustness counts, and the figures drawn from them. Every number, parameter and statement of
// structure comes from the sweeps or a claim verdict (report/paper.md lists the verbs).
#pragma once

#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claims/claims.hpp"
#include "paper/sweep_results.hpp"

namespace superpos {

// The chapters' sweeps by role.
inline constexpr const char* kPaperRoles[] = {"intro", "many_linear", "many_relu", "phase", "geometry", "dynamics",
                                              "correlated", "anticorrelated", "correlated_three", "computation",
                                              "computation_small"};

struct RobustCount {
  int holds = 0;
  int seeds = 0;
};

struct PaperContext {
  std::map<std::string, SweepResults> sweeps;  // by role
  std::vector<ClaimResult> claims;             // on the config's own seed
  std::map<std::string, RobustCount> robust;   // claim id -> on how many robustness seeds it holds
  std::vector<std::string> seeded_roles;       // roles trained on the robustness seeds
  std::map<std::string, int> role_seeds;       // role -> its robustness seeds 0 .. N-1 (some chapters fewer)
  int seed_count = 0;                          // the most any role has
  double robust_share = 0.75;                  // below it a claim that holds is fragile (thresholds.ini)
  std::string figures_dir;                     // where the figures are, as the Markdown names them
  std::map<std::string, double> threshold_values;  // report/thresholds.ini's keys the prose quotes
  nlohmann::json sources;                      // report/paper/sources.json: the paper's and notebook's settings
  std::set<std::string>* explorer_roles = nullptr;  // filled with the roles whose explorer the text shows
};

// The figures: name -> role of the sweep it is drawn from, in the order the chapters show them.
const std::vector<std::pair<std::string, std::string>>& paper_figures();

// Whether a claim holds on the config's seed but on fewer than robust_share of its robustness seeds.
bool is_fragile(const PaperContext& context, const ClaimResult& claim);
// "holds", "fails", "not evaluated" or "fragile": the verdict claims.json and the badges show.
std::string shown_verdict(const PaperContext& context, const ClaimResult& claim);

// The filled Markdown. Throws InputError for a placeholder naming an unknown claim, role or figure.
std::string fill_paper(const std::string& template_text, const std::string& template_name, const PaperContext& context);

// A config key's value as the config states it, also for keys the canonical text leaves out at
// their defaults (instance_stream, schedule, feature_loss, restarts). Throws for an unknown key.
std::string setting_value(const RunConfig& config, const std::string& key);

// "input = uniform (article: normal)", one per key where the config differs from the article's setting.
std::vector<std::string> differences_from_article(const RunConfig& config);

}  // namespace superpos
