#!/usr/bin/env bash
# make test-interrupts: stops `make report` at random moments (SIGINT and SIGKILL to the whole
# process group), lets `make report` finish, and checks that every artefact (tables, figures,
# report.md, HTML, PDF) is byte-identical to an uninterrupted build and that no temporary file is
# left. Along the way it checks that a -j1 and a -j2 build from clean are byte-identical.
# Runs in OUT=build/interrupts with SEEDS=2, so the main build's report is left alone.
set -euo pipefail
# The paper's sweeps train for 200 steps here (make PAPER_STEPS): this checks the build, not the verdicts.
export PAPER_STEPS=${PAPER_STEPS:-200}
# The builds below are make runs of their own, with their own -j, not jobs of the calling make.
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."

OUT=build/interrupts
REFERENCE=build/interrupts-reference
SEEDS=${SEEDS:-2}
TRIALS=${TRIALS:-20}
RANDOM=${INTERRUPT_SEED:-1}   # the moments are random but repeatable

# The article's four configurations are enough to interrupt (a copy of report/ without the others
# keeps each trial short).
INPUTS=build/interrupts-inputs
rm -rf "$INPUTS" && mkdir -p "$INPUTS" && cp -r report "$INPUTS/report"
find "$INPUTS/report/configs" -name '*_uniform.ini' -delete
# The paper's sweeps with three sparsities (and three importances) each: the same steps and files to
# interrupt, at a sixth of the instances (with all of them, 20 trials took 18 minutes).
sed -i 's/linspace(\([^,]*\), *\([^,]*\), *[0-9]*)/linspace(\1, \2, 3)/' "$INPUTS/report/paper/"*.ini
report() { make --no-print-directory report REPORT_DIR="$INPUTS/report" OUT="$OUT" SEEDS="$SEEDS" "$@" >/dev/null; }
# Logs and timings are of the build, not of the results: LaTeX's log names pandoc's temporary folder.
artefacts() { (cd "$OUT" && find runs seeds figures seed-gallery paper-runs paper-seeds paper report -type f ! -name timing.json \
  ! -name report-latex.log ! -name paper-latex.log | LC_ALL=C sort); }
leftovers() { find "$OUT" \( -name '*.tmp' -o -name '*.tmp.*' -o -name '.*.tmp*' \) -print; }

reference_files() { (cd "$REFERENCE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }

compare_with_reference() {
  local label=$1 differing=0 listing
  if ! listing=$(diff <(artefacts) <(reference_files)); then
    echo "FAIL ($label): the set of files differs from the uninterrupted build" >&2
    echo "$listing" >&2
    return 1
  fi
  while read -r file; do
    cmp -s "$OUT/$file" "$REFERENCE/$file" || { echo "FAIL ($label): $file differs" >&2; differing=1; }
  done < <(artefacts)
  local left
  left=$(leftovers)
  [ -z "$left" ] || { echo "FAIL ($label): temporary files left: $left" >&2; differing=1; }
  return $differing
}

make --no-print-directory build/bin/superpos >/dev/null  # compiled once, outside the timings

echo "interrupts: uninterrupted reference build (-j1)"
rm -rf "$OUT" "$REFERENCE"
started=$(date +%s%N)
report -j1
full_ms=$(( ($(date +%s%N) - started) / 1000000 ))
mkdir -p "$REFERENCE"
while read -r file; do mkdir -p "$REFERENCE/$(dirname "$file")"; cp "$OUT/$file" "$REFERENCE/$file"; done < <(artefacts)
echo "interrupts: $(artefacts | wc -l) artefacts in ${full_ms} ms"

echo "interrupts: second clean build with -j2 must be byte-identical"
rm -rf "$OUT"
report -j2
compare_with_reference "clean -j2 build"

failures=0
for trial in $(seq 1 "$TRIALS"); do
  signal=$([ $((trial % 2)) = 1 ] && echo INT || echo KILL)
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (full_ms + 1) ))
  rm -rf "$OUT"
  # A background job of a script starts with SIGINT ignored; --default-signal makes this one take
  # SIGINT as a Ctrl-C at a terminal would.
  setsid env --default-signal=INT make --no-print-directory report REPORT_DIR="$INPUTS/report" OUT="$OUT" SEEDS="$SEEDS" >/dev/null 2>&1 &
  leader=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -s "$signal" -- "-$leader" 2>/dev/null || true
  wait "$leader" 2>/dev/null || true
  # What an interrupted build left must never pass for finished: make has to finish the job.
  report
  if compare_with_reference "trial $trial, SIG$signal at ${delay_ms} ms"; then
    echo "interrupts: trial $trial: SIG$signal at ${delay_ms} ms of ${full_ms}: identical, no temporaries"
  else
    failures=$((failures + 1))
  fi
done

# Two builds of one output tree at once (the second waits on the first's lock): both succeed and the
# report is the reference, three rounds, each after a change that re-renders.
for round in 1 2 3; do
  touch "$INPUTS/report/report.md"
  report & first=$!
  report & second=$!
  status=0
  wait "$first" || status=1
  wait "$second" || status=1
  if [ $status -ne 0 ]; then
    echo "FAIL (concurrent round $round): a build failed" >&2; failures=$((failures + 1))
  elif compare_with_reference "concurrent round $round"; then
    echo "interrupts: concurrent round $round: both builds succeeded, identical, no temporaries"
  else
    failures=$((failures + 1))
  fi
done

rm -rf "$OUT" "$REFERENCE" "$INPUTS"
if [ "$failures" -ne 0 ]; then
  echo "interrupts: $failures of $TRIALS trials FAILED" >&2
  exit 1
fi
echo "interrupts: all $TRIALS trials passed"
