#!/usr/bin/env bash
# make publish and superpos diff, as a user publishing updated findings (ctest's `publish`, run by
# `make test`), on a copy of the reference build (tests/reference_build.sh; two robustness seeds):
# first publish -> one version; again -> none; a changed parameter -> a second version whose
# "what changed" names the key with both values; earlier versions byte-identical; a publish killed
# mid-way leaves the site whole and the next one completes; `superpos diff` exits 0 and 1. The
# first three publishes also go to a local bare repository (PUBLISH_GIT, a path with a space and
# shell text in it): one commit per version on gh-pages, appended, the second's message holding
# the what-changed lines; a remote that cannot be read fails the publish and keeps the local site.
#   BUILD=DIR   the build tree whose binary to use (default build)
set -euo pipefail
# The paper's sweeps train for 200 steps here (make PAPER_STEPS): this checks the build, not the verdicts.
export PAPER_STEPS=${PAPER_STEPS:-200}
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
source tests/reference_lib.sh
BIN=$BUILD/bin/superpos
WORK=$(mktemp -d "${TMPDIR:-/tmp}/superpos-publish.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
copy_reference "$WORK"
SITE=$WORK/site OUT=$WORK/out
SEEDS=$REFERENCE_SEEDS
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
publish() { make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$WORK/report" OUT="$OUT" PUBLISH_DIR="$SITE" SEEDS=$SEEDS "$@" publish; }
versions() { find "$SITE" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l; }
fingerprint() { (cd "$SITE/$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }

# A site is whole when index.html lists exactly the finished versions and latest is the newest.
site_is_whole() {
  local listed v
  listed=$(grep -o '<tr><td><a href="[^"/]*/report.html"' "$SITE/index.html" | sed 's|.*href="||; s|/report.html"||' | LC_ALL=C sort)
  for v in $listed; do [ -f "$SITE/$v/meta.json" ] && [ -f "$SITE/$v/report.pdf" ] || return 1; done
  [ "$listed" = "$(cd "$SITE" && for d in */meta.json; do dirname "$d"; done | grep -v '^latest$' | LC_ALL=C sort)" ] || return 1
  [ -f "$SITE/latest/meta.json" ] || return 1
}
no_temporaries() { [ -z "$(find "$SITE" -maxdepth 1 -name '.*.tmp.*' -print)" ]; }

REMOTE="$WORK/site \$(touch pwned).git"
git init --quiet --bare "$REMOTE"
commits() { git --git-dir="$REMOTE" rev-list --count gh-pages 2>/dev/null || echo 0; }

out=$(publish PUBLISH_GIT="$REMOTE" 2>&1) || { fail "first publish failed: $(echo "$out" | tail -3)"; exit 1; }
[ "$(commits)" -eq 1 ] || fail "expected 1 commit on gh-pages, found $(commits): $(echo "$out" | tail -2)"
git --git-dir="$REMOTE" cat-file -e gh-pages:index.html 2>/dev/null || fail "gh-pages lacks index.html"
first_commit=$(git --git-dir="$REMOTE" rev-parse gh-pages 2>/dev/null || echo none)
echo "$out" | grep -q "superpos: published version" || fail "first publish said: $(echo "$out" | tail -1)"
[ "$(versions)" -eq 1 ] || fail "expected 1 version, found $(versions)"
first=$(readlink "$SITE/latest")
grep -q "<entry><id>urn:superpos:version:$first</id>" "$SITE/feed.xml" || fail "feed lacks $first"
[ -s "$SITE/$first/superpos-$first.tar" ] && [ -f "$SITE/$first/data/runs/relu_09/weights.csv" ] || fail "archive or run tables missing"
fingerprint "$first" > "$WORK/first.sha"

out=$(publish PUBLISH_GIT="$REMOTE" 2>&1) || fail "second publish failed"
[ "$(commits)" -eq 1 ] || fail "an unchanged report added a commit on gh-pages"
echo "$out" | grep -q "unchanged since version $first; nothing new published" || fail "unchanged publish said: $(echo "$out" | tail -1)"
[ "$(versions)" -eq 1 ] || fail "an unchanged report added a version"

sed -i 's/^sparsity = 0.9$/sparsity = 0.8/' "$WORK/report/configs/relu_09.ini"
publish PUBLISH_GIT="$REMOTE" >/dev/null 2>&1 || fail "publish after a change failed"
[ "$(commits)" -eq 2 ] || fail "expected 2 commits on gh-pages, found $(commits)"
[ "$(git --git-dir="$REMOTE" rev-parse gh-pages~1 2>/dev/null)" = "$first_commit" ] || fail "gh-pages was not appended to"
git --git-dir="$REMOTE" log -1 --format=%B gh-pages | grep -qF '| `relu_09` | `sparsity` | 0.9 | 0.8 |' ||
  fail "the second commit's message lacks the what-changed lines"
[ ! -e "$ROOT/pwned" ] && [ ! -e pwned ] && [ ! -e "$WORK/pwned" ] || fail "PUBLISH_GIT's text was run by a shell"
# A remote that cannot be read: the publish fails with one line naming it, the local site stays.
status=0; out=$(publish PUBLISH_GIT="$WORK/missing.git" 2>&1) || status=$?
[ $status -ne 0 ] || fail "a publish to a missing remote succeeded"
echo "$out" | grep -q "missing.git (branch gh-pages): cannot be read by git" || fail "missing remote said: $(echo "$out" | tail -1)"
[ "$(versions)" -eq 2 ] || fail "expected 2 versions, found $(versions)"
second=$(readlink "$SITE/latest")
[ "$second" != "$first" ] || fail "latest still points at the first version"
grep -qF '| `relu_09` | `sparsity` | 0.9 | 0.8 |' "$SITE/latest/changes.md" || fail "what-changed lacks the sparsity change"
grep -q 'id="what-changed-since-the-last-published-version"' "$SITE/latest/report.html" || fail "the report does not open with what changed"
fingerprint "$first" | cmp -s - "$WORK/first.sha" || fail "the first version's files changed"
site_is_whole || fail "the site is not whole after two publishes"

# superpos diff: 0 when no verdict flipped (a version against itself), 1 when one did.
"$BIN" diff "$SITE/$first" "$SITE/$first" >/dev/null || fail "diff of a version with itself exited $?"
# A lower bar for 'represented' flips relu_05.all_represented: a real change whose verdict differs.
sed -i 's/^represented_fraction = .*/represented_fraction = 0.01/' "$WORK/report/thresholds.ini"
make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$WORK/report" OUT="$OUT" SEEDS=$SEEDS "$OUT/report/report.md" >/dev/null 2>&1 ||
  fail "render after the threshold change failed"
status=0; "$BIN" diff "$SITE/latest" "$OUT" > "$WORK/diff.md" || status=$?
[ $status -eq 1 ] || fail "diff after a flipped claim exited $status, not 1"
grep -qF '| `relu_05.all_represented` | fails | holds |' "$WORK/diff.md" || fail "diff does not name the flipped claim"

# Interrupted publishes: SIGKILL to the whole make at moments across a publish; the site must stay
# whole every time, and a last publish must succeed.
started=$(date +%s%N); publish >/dev/null 2>&1 || fail "publish of the threshold change failed"
full_ms=$(( ($(date +%s%N) - started) / 1000000 ))
for trial in 1 2 3 4; do
  sed -i "s/^steps = .*/steps = $((9000 + trial))/" "$WORK/report/configs/linear_0.ini"
  setsid make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$WORK/report" OUT="$OUT" PUBLISH_DIR="$SITE" SEEDS=$SEEDS publish >/dev/null 2>&1 &
  leader=$!
  sleep "$(awk -v ms="$(( full_ms * trial / 5 ))" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -s KILL -- "-$leader" 2>/dev/null || true
  wait "$leader" 2>/dev/null || true
  site_is_whole || fail "trial $trial: the site is not whole after a publish killed at $((full_ms * trial / 5)) ms"
done
publish >/dev/null 2>&1 || fail "the publish after the interrupted ones failed"
site_is_whole || fail "the site is not whole after the last publish"
no_temporaries || fail "temporaries of killed publishes were left: $(find "$SITE" -maxdepth 1 -name '.*.tmp.*')"
fingerprint "$first" | cmp -s - "$WORK/first.sha" || fail "the first version's files changed"
# Whatever the kills left, each version's what-changed compares with the version its meta.json names.
for meta in "$SITE"/*/meta.json; do
  previous=$(grep -o '"previous": "[^"]*"' "$meta" | cut -d'"' -f4 || true)
  [ -n "$previous" ] || continue
  grep -qF "Compared with version \`$previous\`" "$(dirname "$meta")/changes.md" ||
    fail "$(dirname "$meta"): meta.json names $previous, changes.md $(grep -o 'Compared with version `[^`]*`' "$(dirname "$meta")/changes.md")"
done

if [ $failures -ne 0 ]; then echo "publish: $failures failure(s)" >&2; exit 1; fi
echo "publish: all checks passed ($(versions) versions)"
