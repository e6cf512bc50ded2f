#!/usr/bin/env bash
# Hostile input (ctest's `hostile.CASE` tests, run by `make test`): what a collaborator's config, a
# make variable or a damaged folder can do, each on a copy of the reference build. Nothing a file
# or a variable holds is ever run, read into the report or typeset as markup; nothing superpos did
# not write is touched; and each mistake gets one line that names it.
#   tests/hostile.sh CASE...   these cases (default: all)
#   BUILD=DIR                  the build tree whose binary and reference build to use (default build)
set -euo pipefail
export PAPER_STEPS=${PAPER_STEPS:-200}
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
source tests/reference_lib.sh
suite_setup hostile
ALL_CASES="title make_paths publish_names publish_foreign diff_inputs damaged_sweep typeset_failure"
CASES=${*:-$ALL_CASES}
BIN=$BUILD/bin/superpos

# Nothing ran: no PWNED file anywhere a command in a name could have made one.
nothing_ran() {
  local found
  found=$(find "$ROOT" "$WORK" -maxdepth 3 -name 'PWNED*' -print 2>/dev/null | head -3)
  [ -z "$found" ] || fail "a command in a name was executed: $found"
}
# No stray folder from a name split at its spaces or quotes, in the project or the case's folder.
no_strays() {
  local piece
  for piece in x y it with space say quoted '"quoted"' -leading leading dash site '$(touch' '`touch'; do
    [ ! -e "$ROOT/$piece" ] && [ ! -e "$WORK/$case/$piece" ] || fail "a stray '$piece' was made"
  done
}
# The one line of make's refusal: 'superpos: VAR=...' and nothing trained or written.
refused() {  # refused VAR MAKE-ARGS...: make stops before any rule, with one line naming VAR
  local var=$1
  shift
  if make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$REPORT" OUT="$OUT" "$@" report \
      > "$WORK/$case/refused.log" 2>&1; then
    fail "make accepted $*"
  fi
  grep -q "superpos: $var" "$WORK/$case/refused.log" || fail "no line naming $var for $*: $(head -2 "$WORK/$case/refused.log")"
  [ "$(grep -c . "$WORK/$case/refused.log")" -eq 1 ] || fail "more than one line for $*: $(cat "$WORK/$case/refused.log")"
}

run_case() {
  case=$1
  local started=$SECONDS
  case $case in
  title)  # a title full of LaTeX and HTML prints literally in both documents and reads no file
    from_reference
    local secret="$WORK/$case/secret.txt"
    echo SECRETLINE42 > "$secret"
    local title="Evil \\input{$secret} \\write18{touch PWNED} <script>alert(1)</script> <img src=\"$secret\"> \$x\$ 50% #1 & a_b {} ~ ^ | @key"
    # A collaborator's new configuration: its chapter tables its parameters, the title among them.
    # (sed would read the backslashes and & in the title: the line is written by the shell instead.)
    grep -v '^title = \|^name = ' "$REPORT/configs/relu_09.ini" > "$REPORT/configs/evil.ini"
    printf 'name = evil\ntitle = %s\n' "$title" >> "$REPORT/configs/evil.ini"
    in_case "$OUT/report/report.html" "$OUT/report/report.pdf" ||
      { fail "make failed: $(tail -5 "$WORK/$case/make.log")"; return; }
    local html="$OUT/report/report.html" text="$WORK/$case/report.txt"
    pdftotext -layout "$OUT/report/report.pdf" "$text"
    ! grep -q SECRETLINE42 "$html" || fail "the secret file's text is in the HTML"
    ! grep -q SECRETLINE42 "$text" || fail "the secret file's text is in the PDF"
    ! grep -q 'data:text/plain' "$html" || fail "the HTML embeds a local file"
    # pandoc and pdftotext wrap long table cells: the text is read with its line breaks as spaces.
    local flat_html flat_pdf piece
    flat_html=$(tr -s ' \n' ' ' < "$html")
    flat_pdf=$(tr -s ' \n' ' ' < "$text")
    for piece in "Evil \\input{$secret} \\write18{touch PWNED} &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=&quot;$secret&quot;&gt;" \
        '$x$ 50% #1 &amp; a_b {} ~ ^ | @key'; do
      grep -qF -- "$piece" <<< "$flat_html" || fail "the HTML does not show '$piece' literally"
    done
    # LaTeX sets '^' as the circumflex accent (pdftotext reads it as U+02C6).
    for piece in "Evil \\input{$secret} \\write18{touch PWNED} <script>alert(1)</script> <img src=\"$secret\">" \
        '$x$ 50% #1 & a_b {} ~' '| @key'; do
      grep -qF -- "$piece" <<< "$flat_pdf" || fail "the PDF does not show '$piece' literally"
    done
    nothing_ran
    ;;
  make_paths)  # a path variable a shell would run or make would split is refused, naming it, before any work
    from_reference
    local value var
    for var in OUT REPORT_DIR BUILD; do
      for value in 'x$(touch PWNED)' 'x$$(touch PWNED1)' 'x`touch PWNED2`' 'x;touch PWNED3' "it's" 'say "x"' "with space" "-leading"; do
        refused "$var" "$var=$value"
      done
    done
    refused OUT "OUT=$WORK/$(printf 'a%.0s' $(seq 1 250))"
    refused SOURCE_DATE_EPOCH SOURCE_DATE_EPOCH=garbage
    TMPDIR="$WORK/no-such-folder" refused TMPDIR
    mkdir -p "$WORK/$case/read-only" && chmod 555 "$WORK/$case/read-only"
    if [ "$(id -u)" != 0 ]; then TMPDIR="$WORK/$case/read-only" refused TMPDIR; fi  # root writes anyway
    nothing_ran
    no_strays
    ;;
  publish_names)  # any PUBLISH_DIR name is one folder of that name: nothing runs, nothing else is made
    from_reference
    local name
    for name in 'site $(touch PWNED) $$(touch PWNED1) `touch PWNED2`; x' "it's \"quoted\" ; y" "-leading dash"; do
      local site="$WORK/$case/$name"
      case $name in -*) site="-leading dash.$$" ;; esac   # relative: a leading '-' as the first character
      in_case PUBLISH_DIR="$site" publish || { fail "publish to '$site' failed: $(tail -3 "$WORK/$case/make.log")"; continue; }
      local where=$site
      case $site in /*) ;; *) where="$ROOT/$site" ;; esac
      [ -f "$where/index.html" ] && [ -L "$where/latest" ] || fail "no site in '$where'"
      [ "$(find "$where" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)" -eq 1 ] || fail "'$where' has not one version"
      case $site in /*) ;; *) rm -rf -- "$where" ;; esac
    done
    nothing_ran
    no_strays
    [ "$(find "$WORK/$case" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 4 ] ||
      fail "other folders beside the two sites: $(ls "$WORK/$case" | tr '\n' ' ')"
    ;;
  publish_foreign)  # a folder superpos did not make is refused whole; in its own, only its own files change
    from_reference
    local site="$WORK/$case/site" foreign="$WORK/$case/someone-else"
    mkdir -p "$foreign/.notes.tmp.1"
    echo "their index" > "$foreign/index.html"
    echo "their feed" > "$foreign/feed.xml"
    echo "theirs" > "$foreign/.draft.tmp.999999"
    local before
    before=$(cd "$foreign" && find . -printf '%p %s %T@\n' | LC_ALL=C sort)
    for target in "$foreign" "$WORK/$case/link-to-theirs"; do
      ln -sfn "$foreign" "$WORK/$case/link-to-theirs"
      if in_case PUBLISH_DIR="$target" publish; then fail "published into a folder superpos did not make: $target"; fi
      grep -q "superpos: .*holds '.*', which superpos did not write" "$WORK/$case/make.log" ||
        fail "no line saying why: $(grep superpos: "$WORK/$case/make.log" | tail -1)"
    done
    [ "$before" = "$(cd "$foreign" && find . -printf '%p %s %T@\n' | LC_ALL=C sort)" ] || fail "the foreign folder changed"
    # In superpos's own site: a latest that is a real folder is refused before any version is made.
    in_case PUBLISH_DIR="$site" publish || { fail "first publish failed: $(tail -3 "$WORK/$case/make.log")"; return; }
    echo "theirs" > "$site/.someone.tmp.999999"      # not a name superpos writes: never cleaned
    mkdir "$site/.2026-01-01-0123abcd.tmp.999999"    # a version temporary of a dead publish: cleaned
    set_key "$REPORT/configs/relu_09.ini" steps 9000
    rm "$site/latest" && mkdir "$site/latest"
    if in_case PUBLISH_DIR="$site" publish; then fail "published with 'latest' a folder"; fi
    grep -q "'latest' is not the link superpos keeps" "$WORK/$case/make.log" || fail "no line about latest"
    [ "$(find "$site" -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name latest | wc -l)" -eq 1 ] ||
      fail "a version was made although latest was refused"
    rmdir "$site/latest"
    in_case PUBLISH_DIR="$site" publish || fail "publish after latest was moved away failed"
    [ -f "$site/.someone.tmp.999999" ] || fail "a file superpos did not write was removed"
    [ ! -e "$site/.2026-01-01-0123abcd.tmp.999999" ] || fail "a dead publish's temporary was left"
    ;;
  diff_inputs)  # superpos diff: a malformed version exits 2 naming the file; a change of seeds is reported
    from_reference
    local good="$OUT" bad="$WORK/$case/bad"
    "$BIN" diff "$good" "$good" > /dev/null || fail "diff of a build with itself exited $?"
    local variant status message
    for variant in string_claims nested_claims loop fifo seeds_negative seeds_huge; do
      rm -rf "$bad" && mkdir -p "$bad" && cp -a "$good/report" "$good/runs" "$bad/"
      case $variant in
      string_claims) echo '"holds"' > "$bad/report/claims.json" ;;
      nested_claims) echo '[[["x"]]]' > "$bad/report/claims.json" ;;
      loop) rm "$bad/report/claims.json" && ln -s claims.json "$bad/report/claims.json" ;;
      fifo) rm "$bad/report/claims.json" && mkfifo "$bad/report/claims.json" ;;
      seeds_negative) sed -i 's/"seeds": [0-9]*/"seeds": -1/' "$bad/report/manifest.json" ;;
      seeds_huge) sed -i 's/"seeds": [0-9]*/"seeds": 1e32/' "$bad/report/manifest.json" ;;
      esac
      status=0
      message=$(timeout 20 "$BIN" diff "$good" "$bad" 2>&1 >/dev/null) || status=$?
      [ "$status" -eq 2 ] || fail "$variant: diff exited $status, not 2: $message"
      case $message in "superpos: $bad/report/"*) ;; *) fail "$variant: the message names no file: $message" ;; esac
    done
    must_render SEEDS=1 || return
    "$BIN" diff "$REFERENCE/out" "$OUT" > "$WORK/$case/seeds.md" || true
    grep -qF '**Robustness seeds.** 2 before, 1 now' "$WORK/$case/seeds.md" || fail "the change of seed count is not reported"
    ;;
  damaged_sweep)  # an instance deleted or its record edited makes its sweep stale: retrained, never rendered
    from_reference
    rm -rf "$OUT/paper-runs/intro_5x2/i3"
    in_case "$OUT/paper/paper.md" || fail "make after a deleted instance failed: $(tail -3 "$WORK/$case/make.log")"
    trained 'train paper intro_5x2'
    [ -f "$OUT/paper-runs/intro_5x2/i3/results.json" ] || fail "the deleted instance was not trained again"
    sed -i '0,/"weights": \[/s//"weights": [[5.0, 0.0],/' "$OUT/paper-runs/intro_5x2/i9/results.json"
    in_case "$OUT/paper/paper.md" || fail "make after an edited record failed: $(tail -3 "$WORK/$case/make.log")"
    trained 'train paper intro_5x2'
    in_case "$OUT/paper/paper.md" || fail "make with nothing changed failed"
    trained
    ;;
  typeset_failure)  # a failed typesetting step leaves the previous HTML and PDF, together
    from_reference
    local fake="$WORK/$case/bin"
    mkdir -p "$fake"
    printf '#!/bin/bash\nfor a in "$@"; do [ "$a" = latex ] && { echo "! LaTeX Error: stand-in failure" >&2; exit 43; }; done\nexec %s "$@"\n' \
      "$(command -v pandoc)" > "$fake/pandoc"
    chmod +x "$fake/pandoc"
    cp "$OUT/report/report.html" "$WORK/$case/previous.html"
    cp "$OUT/report/report.pdf" "$WORK/$case/previous.pdf"
    printf '\nOne more sentence.\n' >> "$REPORT/report.md"
    if PATH="$fake:$PATH" in_case "$OUT/report/report.html" "$OUT/report/report.pdf"; then fail "make exited 0"; fi
    grep -q "typesetting report failed; the previous report.html and report.pdf are left as they were" "$WORK/$case/make.log" ||
      fail "no line saying so: $(tail -2 "$WORK/$case/make.log")"
    cmp -s "$OUT/report/report.html" "$WORK/$case/previous.html" || fail "a new report.html beside the old report.pdf"
    cmp -s "$OUT/report/report.pdf" "$WORK/$case/previous.pdf" || fail "report.pdf changed"
    [ -z "$(find "$OUT/report" -name '.*tmp*')" ] || fail "temporaries left: $(find "$OUT/report" -name '.*tmp*')"
    ;;
  *) echo "hostile: unknown case '$case'" >&2; exit 2 ;;
  esac
  echo "hostile: $case done in $((SECONDS - started)) s"
}

for c in $CASES; do run_case "$c"; done
suite_result
