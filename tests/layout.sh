#!/usr/bin/env bash
# The report's visual system, checked on the reference build (ctest's `layout`, run by `make test`;
# tests/reference_build.sh made it: the report of report/ with two robustness seeds, typeset to HTML
# and PDF; this test only reads it):
#  - every SVG figure has one of the shared widths (src/plot/figures.hpp: 3.9 (the explorers' panels,
#    a phone's width), 4.6, 5.6, 6.4 and 11.6 in at 100 px per inch) and all its text in one font at one size (DejaVu Sans, 12 px; sub- and
#    superscripts at 0.8 of that);
#  - every figure also has its phone layout (NAME.phone.svg, 390 px), and the HTML shows it on a
#    narrow screen in place of the page's;
#  - LaTeX set no line wider than the text block by more than 1 pt, and no page overfull;
#  - math in captions went through pandoc (no literal "W W^T" in the HTML);
#  - a command's '--' prints as two hyphens in the PDF, not the typewriter font's dash ligature.
#   BUILD=DIR   the build tree whose reference build to read (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/reference_lib.sh
OUT=$REFERENCE/out
[ -f "$OUT/report/report.pdf" ] || { echo "layout: no reference build in $REFERENCE (tests/reference_build.sh)" >&2; exit 2; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

svgs=$(find "$OUT/figures" "$OUT/seed-gallery" "$OUT/paper/figures" -name '*.svg' | LC_ALL=C sort)
[ "$(echo "$svgs" | wc -l)" -ge 37 ] || fail "expected at least 37 SVG figures, found $(echo "$svgs" | wc -l)"
for svg in $svgs; do
  width=$(head -c 600 "$svg" | tr '\n' ' ' | grep -o '<svg [^>]*' | grep -o ' width="[0-9]*"' | tr -dc 0-9 || true)
  case " 390 460 560 640 1160 " in *" $width "*) ;; *) fail "$svg: width '$width' is not one of the shared sizes" ;; esac
  sizes=$(grep -o 'font-size="[^"]*"' "$svg" | LC_ALL=C sort -u | tr '\n' ' ' || true)
  # gnuplot writes the size as 12.00 for a text and 12.0 for a part of one; 9.6 (0.8 x 12) is its
  # size for a subscript or superscript, as in W_i and W^T.
  for size in $sizes; do
    case $size in 'font-size="12.00"' | 'font-size="12.0"' | 'font-size="9.6"') ;; *) fail "$svg: text at $size (expected 12 px)" ;; esac
  done
  families=$(grep -o 'font-family="[^"]*"' "$svg" | LC_ALL=C sort -u | tr '\n' ' ' || true)
  [ "$families" = 'font-family="DejaVu Sans" ' ] || fail "$svg: fonts $families"
done

# Phones: every figure of the documents has a layout drawn at a phone's 390 px (NAME.phone.svg), and
# the HTML carries it beside the page's (templates/phone_figures.lua), so no figure is scaled past
# reading or scrolls sideways at 390 px. The explorers' panels are 390 px already.
pages=0
for svg in $svgs; do
  case $svg in */explore/* | *.phone.svg) continue ;; esac
  pages=$((pages + 1))
  phone=${svg%.svg}.phone.svg
  [ -f "$phone" ] || { fail "$svg: no phone layout ($phone)"; continue; }
  width=$(head -c 600 "$phone" | tr '\n' ' ' | grep -o '<svg [^>]*' | grep -o ' width="[0-9]*"' | tr -dc 0-9 || true)
  [ "$width" = 390 ] || fail "$phone: width '$width', not a phone's 390"
done
shown=$(( $(grep -o 'class="phone"' "$OUT/report/report.html" | wc -l) + $(grep -o 'class="phone"' "$OUT/report/paper.html" | wc -l) ))
figures=$(( $(grep -o '<figure' "$OUT/report/report.html" | wc -l) + $(grep -o '<figure' "$OUT/report/paper.html" | wc -l) ))
explorer_views=$(( $(grep -o '<figure data-k' "$OUT/report/report.html" | wc -l) + $(grep -o '<figure data-k' "$OUT/report/paper.html" | wc -l) ))
[ "$shown" -eq $((figures - explorer_views)) ] ||
  fail "the HTML shows $shown phone layouts for $((figures - explorer_views)) figures"
[ "$shown" -ge 20 ] || fail "only $shown phone layouts in the HTML"

for log in "$OUT/report/report-latex.log" "$OUT/report/paper-latex.log"; do
  [ -s "$log" ] || fail "no LaTeX log beside the PDF: $log"
  wide=$(grep -a -o 'Overfull \\hbox ([0-9.]*pt too wide)' "$log" | grep -o '[0-9.]*pt' | tr -d pt |
    awk '$1 > 1.0' | wc -l || true)
  [ "$wide" -eq 0 ] || fail "$log: $wide lines run more than 1 pt past the margin: $(grep -a -A2 'Overfull \\hbox' "$log" | head -6)"
  ! grep -a -q 'Overfull \\vbox' "$log" || fail "$log: an overfull page: $(grep -a 'Overfull \\vbox' "$log" | head -2)"
done

! grep -q 'W W^T' "$OUT/report/report.html" || fail "report.html prints 'W W^T' literally"
# A command's options print with both hyphens (the typewriter font's '--' ligature made one dash).
pdf_text=$(pdftotext "$OUT/report/report.pdf" - 2>/dev/null || true)
grep -q -- '--config ' <<<"$pdf_text" || fail "report.pdf: no '--config' with two hyphens in the commands it prints"
! grep -q -- $'\xe2\x80\x93config' <<<"$pdf_text" || fail "report.pdf prints '--config' as an en dash"
[ -s "$OUT/report/report.pdf" ] || fail "no PDF"
[ -s "$OUT/report/paper.pdf" ] && [ -s "$OUT/report/paper.html" ] || fail "no paper.html or paper.pdf"
grep -q 'href="paper.html"' "$OUT/report/report.html" || fail "report.html does not link the paper's chapters"
grep -q 'href="report.html"' "$OUT/report/paper.html" || fail "paper.html does not link the report"

if [ "$failures" -gt 0 ]; then echo "layout: $failures failures" >&2; exit 1; fi
echo "layout: $(echo "$svgs" | wc -l) SVG figures in the shared sizes and font; $shown figures with a phone layout; no overfull line or page in the PDF"
