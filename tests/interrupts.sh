#!/usr/bin/env bash
# make test-interrupts: stops `make report` at random moments (SIGINT and SIGKILL to the whole
# process group), lets `make report` finish, and checks that every artefact (tables, figures,
# report.md, HTML, PDF) is byte-identical to an uninterrupted build and that no temporary file is
# left. Along the way it checks that a -j1 and a -j2 build from clean are byte-identical, and that
# two builds of one output tree at once both succeed.
#
# The builds run in two stages, build/interrupts/stage0 and stage1: folders that hold the same
# links (Makefile, templates, build, inputs) and so the same relative paths, which is all a run or
# report records. A trial in either stage must match the one reference byte for byte, so the 20
# trials run two at a time, one per stage, each with make -j1 (a build is mostly one process at a
# time, LaTeX): a pair on two cores takes about as long as one trial alone.
set -euo pipefail
# The paper's sweeps train for 200 steps here (make PAPER_STEPS): this checks the build, not the verdicts.
export PAPER_STEPS=${PAPER_STEPS:-200}
# The builds below are make runs of their own, with their own -j, not jobs of the calling make.
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
ROOT=$PWD

WORK=build/interrupts
REFERENCE=$WORK/reference
SEEDS=${SEEDS:-2}
TRIALS=${TRIALS:-20}
RANDOM=${INTERRUPT_SEED:-1}   # the moments are random but repeatable

rm -rf "$WORK" && mkdir -p "$WORK"
# The article's four configurations are enough to interrupt (a copy of report/ without the others
# keeps each trial short).
INPUTS=$ROOT/$WORK/inputs
mkdir -p "$INPUTS" && cp -r report "$INPUTS/report"
find "$INPUTS/report/configs" -name '*_uniform.ini' -delete
# The paper's sweeps with three sparsities (and three importances) each: the same steps and files to
# interrupt, at a sixth of the instances (with all of them, 20 trials took 18 minutes).
sed -i 's/linspace(\([^,]*\), *\([^,]*\), *[0-9]*)/linspace(\1, \2, 3)/' "$INPUTS/report/paper/"*.ini
# Sweeps listed value by value keep their first two instances, and the computation sweep is made
# small: every artefact kind is still there, each build takes seconds less, twenty times over.
sed -i '/linspace/!s/^instances = \([^,]*\), *\([^,]*\),.*$/instances = \1, \2/' "$INPUTS/report/paper/"*.ini
sed -i 's/^features = 100$/features = 24/; s/^hidden = 40$/hidden = 8/' "$INPUTS/report/paper/computation_100x40.ini"
for stage in 0 1; do
  mkdir -p "$WORK/stage$stage"
  for link in Makefile templates build; do ln -s "$ROOT/$link" "$WORK/stage$stage/$link"; done
  ln -s "$INPUTS" "$WORK/stage$stage/inputs"
done

# report STAGE [make arguments]: make report in that stage, quietly; make's status.
report() {
  local stage=$1
  shift
  make --no-print-directory -C "$WORK/stage$stage" report REPORT_DIR=inputs/report OUT=out SEEDS="$SEEDS" "$@" >/dev/null 2>&1
}
# Logs and timings are of the build, not of the results: LaTeX's log names pandoc's temporary folder.
artefacts_of() { (cd "$1" && find runs seeds figures seed-gallery paper-runs paper-seeds paper report -type f ! -name timing.json \
  ! -name report-latex.log ! -name paper-latex.log | LC_ALL=C sort); }
leftovers() { find "$1" \( -name '*.tmp' -o -name '*.tmp.*' -o -name '.*.tmp*' \) -print; }
reference_files() { (cd "$REFERENCE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }

# compare_with_reference LABEL STAGE: the stage's output holds exactly the reference's artefacts,
# byte for byte, and no temporary.
compare_with_reference() {
  local label=$1 dir=$WORK/stage$2/out differing=0 listing
  if ! listing=$(diff <(artefacts_of "$dir") <(reference_files)); then
    echo "FAIL ($label): the set of files differs from the uninterrupted build" >&2
    echo "$listing" >&2
    return 1
  fi
  while read -r file; do
    cmp -s "$dir/$file" "$REFERENCE/$file" || { echo "FAIL ($label): $file differs" >&2; differing=1; }
  done < <(artefacts_of "$dir")
  local left
  left=$(leftovers "$dir")
  [ -z "$left" ] || { echo "FAIL ($label): temporary files left: $left" >&2; differing=1; }
  return $differing
}

make --no-print-directory build/bin/superpos >/dev/null  # compiled once, outside the timings

echo "interrupts: uninterrupted reference build (-j1, stage 0)"
started=$(date +%s%N)
report 0 -j1 || { echo "FAIL: the reference build failed" >&2; exit 1; }
full_ms=$(( ($(date +%s%N) - started) / 1000000 ))
mkdir -p "$REFERENCE"
while read -r file; do
  mkdir -p "$REFERENCE/$(dirname "$file")"
  cp "$WORK/stage0/out/$file" "$REFERENCE/$file"
done < <(artefacts_of "$WORK/stage0/out")
echo "interrupts: $(reference_files | wc -l) artefacts in ${full_ms} ms"

echo "interrupts: a clean build with -j2 in the other stage must be byte-identical"
failures=0
if report 1 -j2; then compare_with_reference "clean -j2 build" 1 || failures=$((failures + 1))
else echo "FAIL: the -j2 build failed" >&2; failures=$((failures + 1)); fi

# One trial: a clean build in STAGE, interrupted by SIGNAL after DELAY_MS, then finished by a plain
# `make report`; what the interrupted build left must never pass for finished.
trial() {
  local number=$1 signal=$2 delay_ms=$3 stage=$4
  rm -rf "$WORK/stage$stage/out"
  # A background job of a script starts with SIGINT ignored; --default-signal makes this one take
  # SIGINT as a Ctrl-C at a terminal would.
  setsid env --default-signal=INT make --no-print-directory -C "$WORK/stage$stage" report REPORT_DIR=inputs/report \
    OUT=out SEEDS="$SEEDS" -j1 >/dev/null 2>&1 &
  local leader=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -s "$signal" -- "-$leader" 2>/dev/null || true
  wait "$leader" 2>/dev/null || true
  report "$stage" -j1 || { echo "FAIL (trial $number): make report after SIG$signal at ${delay_ms} ms failed" >&2; return 1; }
  compare_with_reference "trial $number, SIG$signal at ${delay_ms} ms" "$stage" || return 1
  echo "interrupts: trial $number: SIG$signal at ${delay_ms} ms of ${full_ms}: identical, no temporaries"
}

for first in $(seq 1 2 "$TRIALS"); do
  pids=()
  for number in $first $((first + 1)); do
    [ "$number" -le "$TRIALS" ] || continue
    signal=$([ $((number % 2)) = 1 ] && echo INT || echo KILL)
    delay_ms=$(( (RANDOM * 32768 + RANDOM) % (full_ms + 1) ))
    trial "$number" "$signal" "$delay_ms" $((number % 2)) & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failures=$((failures + 1)); done
done

# Two builds of one output tree at once (the second waits on the first's lock): both succeed and the
# report is the reference, three rounds, each after a change that re-renders.
for round in 1 2 3; do
  touch "$INPUTS/report/report.md"
  report 0 & first=$!
  report 0 & second=$!
  status=0
  wait "$first" || status=1
  wait "$second" || status=1
  if [ $status -ne 0 ]; then
    echo "FAIL (concurrent round $round): a build failed" >&2; failures=$((failures + 1))
  elif compare_with_reference "concurrent round $round" 0; then
    echo "interrupts: concurrent round $round: both builds succeeded, identical, no temporaries"
  else
    failures=$((failures + 1))
  fi
done

rm -rf "$WORK"
if [ "$failures" -ne 0 ]; then
  echo "interrupts: $failures of $TRIALS trials and checks FAILED" >&2
  exit 1
fi
echo "interrupts: all $TRIALS trials passed"
