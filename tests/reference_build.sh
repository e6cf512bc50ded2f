#!/usr/bin/env bash
# The reference build the shell suites start from (ctest's fixture `reference_build`, run once per
# `make test`): the report of a copy of report/ with two robustness seeds and the paper's sweeps at
# 200 steps, in BUILD/test-reference. Each what-if and publish case copies it (timestamps kept) and
# changes one thing, so make rebuilds only what that change touches; the layout test reads it as it
# is. Made by make like any report, so a second `make test` rebuilds only what changed since.
#   BUILD=DIR   the build tree whose binary to use (default build)
set -euo pipefail
# The paper's sweeps train for 200 steps here (make PAPER_STEPS): this checks the build, not the verdicts.
export PAPER_STEPS=${PAPER_STEPS:-200}
# The builds below are make runs of their own, with their own -j, not jobs of a calling make.
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
source tests/reference_lib.sh

started=$SECONDS
mkdir -p "$REFERENCE"
# report/ copied with its timestamps, so that an unchanged input does not look new to make.
rm -rf "$REFERENCE/report.new"
cp -a report "$REFERENCE/report.new"
rm -rf "$REFERENCE/report"
mv "$REFERENCE/report.new" "$REFERENCE/report"
if ! make --no-print-directory BUILD="$BUILD" REPORT_DIR="$REFERENCE/report" OUT="$REFERENCE/out" \
    SEEDS="$REFERENCE_SEEDS" report > "$REFERENCE/make.log" 2>&1; then
  tail -20 "$REFERENCE/make.log" >&2
  echo "reference_build: make report failed (log: $REFERENCE/make.log)" >&2
  exit 1
fi
echo "reference_build: $(grep -o '[0-9]* runs: .*' "$REFERENCE/make.log") in $((SECONDS - started)) s"
