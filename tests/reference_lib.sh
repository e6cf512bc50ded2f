# Sourced by the shell suites (whatif.sh, hostile.sh, publish.sh, layout.sh): where the reference
# build (tests/reference_build.sh) lives, how a case starts from a copy of it, and the checks the
# cases share. A case's files live in WORK/CASE; `case` names the running case in messages.
ROOT=$PWD
BUILD=${BUILD:-build}
REFERENCE=$BUILD/test-reference
REFERENCE_SEEDS=2

# copy_reference DIR: DIR/report and DIR/out, copies of the reference's with their timestamps, so
# that make in them rebuilds exactly what a case then changes.
copy_reference() {
  [ -f "$REFERENCE/out/report/report.pdf" ] ||
    { echo "no reference build in $REFERENCE (run ctest, which builds it first, or tests/reference_build.sh)" >&2; exit 2; }
  mkdir -p "$1"
  cp -a "$REFERENCE/report" "$1/report"
  cp -a "$REFERENCE/out" "$1/out"
  rm -f "$1/out/.build.lock" "$1/out/.steps" "$1/out/.steps.log"
}

# suite_setup NAME: a scratch folder for the suite's cases, removed on exit, and a failure count.
suite_setup() {
  SUITE=$1
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/superpos-$SUITE.XXXXXX")
  [ -n "${KEEP_WORK:-}" ] || trap 'rm -rf "$WORK"' EXIT
  failures=0
  case=setup
}
suite_result() {
  if [ "$failures" -ne 0 ]; then echo "$SUITE: $failures failure(s)" >&2; exit 1; fi
  echo "$SUITE: all cases passed"
}

fail() { echo "FAIL ($case): $*" >&2; failures=$((failures + 1)); }
# Whether the rendered report contains / lacks a fixed string.
has() { grep -qF -- "$1" "$OUT/report/report.md" || fail "report.md lacks: $1"; }
lacks() { ! grep -qF -- "$1" "$OUT/report/report.md" || fail "report.md still says: $1"; }
claim_ids() { grep -o '"id": "[^"]*"' "$OUT/report/claims.json" | LC_ALL=C sort; }
set_key() {  # set_key FILE KEY VALUE: replaces the key's line
  sed -i "s/^$2 = .*/$2 = $3/" "$1"
  grep -q "^$2 = $3\$" "$1" || { echo "$SUITE: could not set $2 in $1" >&2; exit 2; }
}

# The case's own copy of the reference build: REPORT (its report/) and OUT (its output tree).
from_reference() {
  REPORT="$WORK/$case/report"
  OUT="$WORK/$case/out"
  rm -rf "$WORK/$case"
  copy_reference "$WORK/$case"
}
# Only a copy of report/, for the cases that stop before anything is built.
fresh() {
  REPORT="$WORK/$case/report"
  OUT="$WORK/$case/out"
  rm -rf "$WORK/$case"
  mkdir -p "$WORK/$case"
  cp -r "$ROOT/report" "$REPORT"
}
# in_case [make arguments]: make in the case's copy, its steps counted in WORK/CASE/steps.log and
# its output in WORK/CASE/make.log; returns make's status.
in_case() {
  rm -f "$WORK/$case/steps" "$WORK/$case/steps.log"
  make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$REPORT" OUT="$OUT" SEEDS=$REFERENCE_SEEDS \
    STEP_COUNTER="$WORK/$case/steps" "$@" >"$WORK/$case/make.log" 2>&1
}
render() { in_case "$@" "$OUT/report/report.md"; }
# status_is LINE...: make status, building nothing, prints exactly these lines.
status_is() {
  local expected actual
  expected=$(printf '%s\n' "$@")
  actual=$(make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$REPORT" OUT="$OUT" SEEDS=$REFERENCE_SEEDS status 2>&1)
  [ "$expected" = "$actual" ] || fail "make status said [$(echo "$actual" | tr '\n' '|')], expected [$(echo "$expected" | tr '\n' '|')]"
}  # render [SEEDS=K] [more make arguments]: the report's Markdown
must_render() { render "$@" || { fail "make failed:"; tail -5 "$WORK/$case/make.log" >&2; return 1; }; }
# trained RUN...: the last make trained exactly these runs (make's step names), and nothing else.
trained() {
  local expected actual
  expected=$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort)
  actual=$(grep '^train' "$WORK/$case/steps.log" 2>/dev/null | LC_ALL=C sort || true)
  [ "$expected" = "$actual" ] || fail "expected to train [$(echo $expected | tr '\n' ' ')], trained [$(echo $actual | tr '\n' ' ')]"
}
