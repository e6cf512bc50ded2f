#!/usr/bin/env bash
# ctest, then its slowest tests and the time against a budget (make test, test-quick, test-sanitize):
#   tests/ctest_budget.sh LABEL BUDGET_SECONDS STARTED_FILE BUILD_DIR [ctest arguments...]
# STARTED_FILE holds the epoch second the make target started (so the compile counts). ctest's
# status is this script's; a run over budget prints one line saying so, and still passes.
set -uo pipefail
label=$1 budget=$2 started_file=$3 build=$4
shift 4
log=$(mktemp "${TMPDIR:-/tmp}/superpos-ctest.XXXXXX")
trap 'rm -f "$log"' EXIT
(cd "$build" && ctest --output-on-failure "$@") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
started=$(cat "$started_file" 2>/dev/null || date +%s)
elapsed=$(( $(date +%s) - started ))
echo "Slowest tests:"
# ctest's result lines: "  3/20 Test  #3: name ....   Passed   12.34 sec"
sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\( [^. ][^ ]*\)*\) \.*[^0-9]* \([0-9.]*\) sec$/\3 \1/p' "$log" |
  LC_ALL=C sort -rn | head -8 | awk '{ printf "  %7.1f s  %s\n", $1, substr($0, index($0, " ") + 1) }'
if [ "$elapsed" -gt "$budget" ]; then
  echo "$label: took ${elapsed} s, over its budget of ${budget} s"
else
  echo "$label: took ${elapsed} s, within its budget of ${budget} s"
fi
exit "$status"
