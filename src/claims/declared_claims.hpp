// The claims each configuration declares (its `claims` and `comparison_claims` keys), evaluated on a
// set of runs. A declared claim is always in the result: checked, or "not evaluated" with the
// reason (a run too small for it, a compared configuration missing from the report).
#pragma once

#include <string>
#include <vector>

#include "claims/claims.hpp"

namespace superpos {

// Every claim the runs declare, run by run in the order given: first its own claims, then the
// claims comparing it with its compare_with run.
std::vector<ClaimResult> evaluate_declared_claims(const std::vector<RunResults>& runs, const Thresholds& t);

// One line per claim name: what it checks and on what (for `superpos claims --list`).
std::string describe_claim_names();

}  // namespace superpos
