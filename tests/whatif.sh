#!/usr/bin/env bash
# The what-if suite (ctest's `whatif.CASE` tests, run by `make test`): the changes a user makes after
# the first `make report`, each on a copy of the reference build (tests/reference_build.sh: report/
# and its output tree, timestamps kept), checked on the rendered report (report.md and claims.json,
# what pandoc typesets). Each case says what the report must say afterwards, and how many runs the
# change retrains: exactly the runs it touches, the rest reused.
#   tests/whatif.sh CASE...   these cases (default: all)
#   BUILD=DIR                 the build tree whose binary and reference build to use (default build)
set -euo pipefail
# The paper's sweeps train for 200 steps here (make PAPER_STEPS): this checks the build, not the verdicts.
export PAPER_STEPS=${PAPER_STEPS:-200}
# The builds below are make runs of their own, with their own -j, not jobs of a calling make.
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
source tests/reference_lib.sh
suite_setup whatif
ALL_CASES="sparsity shape new_config seeds delete_config bad_render bad_names packages compile_error"
CASES=${*:-$ALL_CASES}

make --no-print-directory BUILD="$BUILD" "$BUILD/bin/superpos" >/dev/null

run_case() {
  case=$1
  local started=$SECONDS
  case $case in
  sparsity)  # a changed parameter keeps every claim, and the prose follows the new value
    from_reference; must_render || return
    trained   # the copy is up to date as it stands
    claim_ids > "$WORK/$case/before"
    has '# The ReLU model at sparsity 0.9:'
    status_is 'superpos: nothing to redo; make report is up to date'
    set_key "$REPORT/configs/relu_09.ini" sparsity 0.7
    # make status names exactly that config's runs, with the key that changed, and builds nothing.
    status_is 'relu_09: config changed (sparsity 0.9 -> 0.7)' 'relu_09 seed 0: config changed (sparsity 0.9 -> 0.7)' \
      'relu_09 seed 1: config changed (sparsity 0.9 -> 0.7)' 'report: rendered again from the runs above'
    must_render || return
    trained 'train relu_09' 'train relu_09 seed 0' 'train relu_09 seed 1'
    claim_ids > "$WORK/$case/after"
    cmp -s "$WORK/$case/before" "$WORK/$case/after" || fail "the set of claims changed: $(diff "$WORK/$case/before" "$WORK/$case/after" | tr '\n' ' ')"
    [ "$(wc -l < "$WORK/$case/after")" -ge 10 ] || fail "only $(wc -l < "$WORK/$case/after") claims"
    has '# The ReLU model at sparsity 0.7:'
    lacks 'ReLU model at sparsity 0.9 (run `relu_09`'
    has 'Rows of $W$ as points in the hidden plane, ReLU model at sparsity 0.7'
    has '`relu_09`: **not comparable**; its parameters differ from the article'"'"'s (sparsity 0.7 (article: 0.9))'
    has '*`relu_09` is not comparable with the tensor the article printed'
    has '`relu_05` (ReLU model at sparsity 0.5): largest difference'
    ;;
  shape)  # hidden = 3, features = 6: the report builds, with the rows shown in pairs of dimensions
    from_reference
    set_key "$REPORT/configs/relu_09.ini" features 6
    set_key "$REPORT/configs/relu_09.ini" hidden 3
    must_render || return
    trained 'train relu_09' 'train relu_09 seed 0' 'train relu_09 seed 1'
    has 'Rows of $W$ projected on each pair of the first 3 hidden dimensions, ReLU model at sparsity 0.9 (6 features, 3 hidden dimensions)'
    grep -q '<svg' "$OUT/figures/relu_09/weights.svg" || fail "no weights figure"
    [ "$(grep -c 'hidden dim' "$OUT/figures/relu_09/weights.svg")" -ge 3 ] || fail "weights figure has fewer than 3 panels"
    has '| 5 | 0.590 |'   # a sixth feature row in the weights table
    has 'compares runs of one shape; relu_05 is 5 x 2, relu_09 is 6 x 3'
    has '[not evaluated]{.verdict-none}'
    ;;
  new_config)  # a new config file gets a chapter with its parameters, figures and declared claims
    from_reference
    sed -e 's/^name = .*/name = relu_07/' -e 's/^sparsity = .*/sparsity = 0.7/' \
      "$REPORT/configs/relu_09.ini" > "$REPORT/configs/relu_07.ini"
    must_render || return
    trained 'train relu_07' 'train relu_07 seed 0' 'train relu_07 seed 1'
    has '# ReLU model at sparsity 0.7 (`relu_07`)'
    has "(<$OUT/figures/relu_07/weights>)"
    has "(<$OUT/figures/relu_07/interactions>)"
    has '(`relu_07.distinct_directions`)'
    has '(`relu_05_vs_relu_07.less_orthogonal`)'
    has '| `sparsity` | 0.7 |'
    has '`relu_07`: the article printed no tensor for this configuration.'
    ;;
  seeds)  # SEEDS=4 then SEEDS=2: the report counts 2 seeds and reads only those runs
    from_reference
    must_render SEEDS=4 || return
    # Two more seeds of each configuration and of each paper sweep trained on all seeds; one more
    # of the costly sweeps (PAPER_COSTLY_SEEDS, default 3: seeds 0 to 2); nothing else.
    local more=() s c
    for s in 2 3; do
      for c in $(cd "$REPORT/configs" && ls *.ini | sed 's/\.ini$//'); do more+=("train $c seed $s"); done
      more+=("train paper intro_5x2 seed $s" "train paper many_linear seed $s" "train paper many_relu seed $s"
             "train paper correlated_4x2 seed $s" "train paper anticorrelated_4x2 seed $s" "train paper correlated_6x2 seed $s")
    done
    more+=("train paper phase_2x1 seed 2" "train paper geometry_200x20 seed 2" "train paper dynamics_200x20 seed 2"
           "train paper computation_100x40 seed 2" "train paper computation_20x10 seed 2")
    trained "${more[@]}"
    has 'from 4 further seeds'
    must_render SEEDS=2 || return
    trained
    has 'from 2 further seeds'
    lacks ' of 4 |'
    has ' of 2 |'
    has 'at sparsity 0.9) on seeds 0 to 1. '
    lacks 'seeds 0 to 3'
    # A stale seed run (another config version) among the runs asked for stops the render.
    set_key "$REPORT/configs/relu_05.ini" sparsity 0.6
    make --no-print-directory -C "$ROOT" BUILD="$BUILD" OUT="$OUT" REPORT_DIR="$REPORT" SEEDS=2 \
      "$OUT/runs/relu_05/results.json" "$OUT/figures/relu_05/figures.json" >/dev/null 2>&1
    touch "$OUT/seeds/s"*/relu_05/*
    if render; then fail "a stale seed run was rendered"; fi
    grep -q "seeds/s0/relu_05: was trained from another version of .*relu_05.ini (stale run" "$WORK/$case/make.log" ||
      fail "no message naming the stale run: $(tail -1 "$WORK/$case/make.log")"
    ;;
  delete_config)  # a deleted config leaves the report, although no prerequisite got newer
    from_reference; must_render || return
    has 'linear_05'
    claim_ids | grep -v '"id": "linear_05\.' > "$WORK/$case/expected"
    rm "$REPORT/configs/linear_05.ini"
    must_render || return
    trained
    lacks 'linear_05'
    claim_ids | cmp -s - "$WORK/$case/expected" || fail "claims other than linear_05's changed"
    ;;
  bad_render)  # a failing `superpos render` stops make and leaves the previous report as it was
    from_reference; must_render || return
    cp "$OUT/report/report.md" "$WORK/$case/previous.md"
    printf '\nA line with {{nonsense relu_09}} in it.\n' >> "$REPORT/report.md"
    if render; then fail "make exited 0 after a failing render"; fi
    grep -q "report.md:[0-9]*: placeholder '{{nonsense relu_09}}': unknown verb 'nonsense'" "$WORK/$case/make.log" ||
      fail "no message naming the line: $(grep superpos: "$WORK/$case/make.log" | head -1)"
    cmp -s "$OUT/report/report.md" "$WORK/$case/previous.md" || fail "the previous report.md changed"
    # An unclosed block and a claim nobody declared are errors too.
    cp "$WORK/$case/previous.md" /dev/null
    cp "$ROOT/report/report.md" "$REPORT/report.md"
    printf '\n{{if holds relu_09.no_such_claim}}x{{end}}\n' >> "$REPORT/report.md"
    if render; then fail "an undeclared claim rendered"; fi
    grep -q "no claim 'relu_09.no_such_claim' is declared" "$WORK/$case/make.log" || fail "no message for an undeclared claim"
    ;;
  bad_names)  # config names a shell would run, or make would split, stop make before any rule runs
    fresh
    for name in '$(id>PWNED)' 'a b' 'x;touch PWNED2' "it's"; do
      rm -f "$REPORT/configs/"*.ini
      cp "$ROOT/report/configs/relu_09.ini" "$REPORT/configs/$name.ini"
      if render; then fail "make accepted a config named '$name'"; fi
      grep -qF "configuration file names must match [A-Za-z0-9_.-]+.ini; rename:" "$WORK/$case/make.log" ||
        fail "no message for '$name': $(head -1 "$WORK/$case/make.log")"
    done
    [ ! -e "$ROOT/PWNED" ] && [ ! -e "$ROOT/PWNED2" ] && [ ! -e "$WORK/$case/PWNED" ] || fail "a command in a name was executed"
    fresh
    if render SEEDS=abc; then fail "SEEDS=abc was accepted"; fi
    grep -qF "SEEDS='abc' is not a whole number" "$WORK/$case/make.log" || fail "no message for SEEDS=abc"
    ;;
  packages)  # the package step under -j8, with apt-get and dpkg-query stand-ins that hold a lock
    local fake="$WORK/$case/bin" state="$WORK/$case/state"
    mkdir -p "$fake" "$state/installed"
    cat > "$fake/dpkg-query" <<EOF
#!/bin/bash
# dpkg-query -W -f=FORMAT PACKAGE: installed when the stand-in apt-get made its marker
[ -e "$state/installed/\${@: -1}" ] && echo 'install ok installed' || exit 1
EOF
    cat > "$fake/apt-get" <<EOF
#!/bin/bash
# Holds the dpkg lock as apt-get does; a second apt-get at the same time fails like the real one.
mkdir "$state/lock" 2>/dev/null || { echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100; }
trap 'rmdir "$state/lock"' EXIT
if [[ " \$* " == *" install "* ]]; then
  echo "install \$*" >> "$state/log"; sleep 1
  for p in "\$@"; do case \$p in -*|install|DPkg*) ;; *) touch "$state/installed/\$p";; esac; done
else sleep 0.2; fi
EOF
    printf '#!/bin/sh\necho 0\n' > "$fake/id"
    chmod +x "$fake"/*
    local pk="$WORK/$case/build"
    mkdir -p "$pk"
    # Two makes at once, each -j8, each wanting both package sets.
    PATH="$fake:$PATH" make --no-print-directory -C "$ROOT" -j8 BUILD="$pk" packages > "$WORK/$case/a.log" 2>&1 &
    PATH="$fake:$PATH" make --no-print-directory -C "$ROOT" -j8 BUILD="$pk" packages "$pk/stamps/build-packages.ok" > "$WORK/$case/b.log" 2>&1 &
    local status=0
    wait %1 || status=1
    wait %2 || status=1
    [ $status -eq 0 ] || fail "a package step failed: $(cat "$WORK/$case/a.log" "$WORK/$case/b.log" | grep -v '^superpos: installing' | head -3)"
    [ "$(grep -c '^install' "$state/log")" -eq 1 ] || fail "expected one install, got: $(cat "$state/log")"
    ;;
  compile_error)  # a compile error stops make; the previous report stays, and no step runs on the old binary
    # What is tested is the Makefile's handling of a failed compile (cmake --build's status through
    # the filter that hides its progress lines), so a stand-in cmake fails the build step as the
    # compiler would; a real compile of a broken copy of the sources would add minutes and test gcc.
    from_reference
    local fake="$WORK/$case/bin"
    mkdir -p "$fake"
    cat > "$fake/cmake" <<EOF
#!/bin/bash
if [ "\$1" = --build ]; then
  echo '[ 50%] Building CXX object src/CMakeFiles/superpos_core.dir/report/report_chapters.cpp.o'
  echo "$ROOT/src/report/report_chapters.cpp:215:1: error: 'this' does not name a type" >&2
  exit 2
fi
exec $(command -v cmake) "\$@"
EOF
    chmod +x "$fake/cmake"
    cp "$OUT/report/report.md" "$WORK/$case/previous.md"
    set_key "$REPORT/configs/relu_09.ini" sparsity 0.7   # work the build would do after compiling
    if PATH="$fake:$PATH" render; then fail "make exited 0 after a compile error"; fi
    grep -q "report_chapters.cpp.*error" "$WORK/$case/make.log" || fail "the compiler's error was not shown"
    trained   # nothing ran on the old binary
    cmp -s "$OUT/report/report.md" "$WORK/$case/previous.md" || fail "the previous report.md changed"
    ;;
  *) echo "whatif: unknown case '$case'" >&2; exit 2 ;;
  esac
  echo "whatif: $case done in $((SECONDS - started)) s"
}

for c in $CASES; do run_case "$c"; done
suite_result
