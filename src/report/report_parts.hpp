// The larger pieces of the report (tables, sentences, chapters), shared by the placeholder verbs
// in report_values.cpp. Internal to src/report/.
#pragma once

#include <string>
#include <vector>

#include "report/report_values.hpp"

namespace superpos::report_parts {

// "->" and "+/-" as the typographic arrow and plus-minus (math, which every output typesets).
std::string typographic(const std::string& text);

const RunResults& run_named(const ReportContext& c, const std::string& name);
const ClaimResult& claim_with_id(const std::vector<ClaimResult>& claims, const std::string& id);
std::string provenance(const RunResults& run);
// "ReLU model at sparsity 0.9", with the shape when it is not the article's 5 x 2: from the
// run's parameters, so it cannot go stale when a config changes.
std::string describe_run(const RunResults& run);
std::string config_value(const RunResults& run, const std::string& key);

std::string weights_table(const RunResults& run);
std::string angles_table(const RunResults& run);
std::string parameters_table(const RunResults& run);
std::string article_table(const ReportContext& c, const std::string& name);
std::string reproduction_summary(const ReportContext& c);
std::string claims_table(const ReportContext& c, const std::string& subject);
std::string figure(const ReportContext& c, const std::string& run, const std::string& name);
// Which represented rows share a line through the origin, and the angles between the lines.
std::string lines_sentence(const ReportContext& c, const RunResults& run);
std::string norms_list(const RunResults& run);
// Which features the model reconstructs on held-out data, with the share recovered.
std::string represented_sentence(const ReportContext& c, const RunResults& run);

std::string robustness_table(const ReportContext& c);
std::string robustness_summary(const ReportContext& c);
std::string robust_count(const ReportContext& c, const std::string& id);
std::string seed_gallery(const ReportContext& c);

// The notebook's untrained sanity-check tensors, redrawn from seed 42.
std::string notebook_sanity(const ReportContext& c);

// How many of the paper's claims hold (from `superpos paper`'s claims.json), with links to its
// chapters; says plainly when they were not built.
std::string paper_summary(const ReportContext& c);

// A chapter for each run the template gives none: parameters, figures, tables, its claims.
std::string generic_chapters(const ReportContext& c);

}  // namespace superpos::report_parts
