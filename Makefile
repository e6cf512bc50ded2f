# superpos: the dependency graph of the report. `make report` and `make test` are all a user needs;
# each installs missing Debian packages first. Every target below is a real file except the
# entry points, so `make` rebuilds exactly what a change affects.
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules -j$(shell nproc)

BUILD ?= build
BIN := $(BUILD)/bin/superpos
STAMPS := $(BUILD)/stamps
# Where the runs, figures and report go; `make report OUT=DIR` keeps a second set beside the first
# with the same binary (tests/interrupts.sh uses that). The hashes of the code that made them live
# with them.
OUT ?= $(BUILD)
HASHES := $(OUT)/stamps
# Robustness seeds trained besides the article's seed (issue 4); `make report SEEDS=4` for fewer.
SEEDS ?= 16
CMAKE_FLAGS ?=
# Fixed timestamps, so two builds of the same inputs give byte-identical HTML and PDF.
export SOURCE_DATE_EPOCH ?= 1732924800
export FORCE_SOURCE_DATE := 1

CONFIG_NAMES := $(basename $(notdir $(wildcard report/configs/*.ini)))
SEED_NUMBERS := $(shell seq 0 $$(( $(SEEDS) - 1 )))
RUNS := $(CONFIG_NAMES:%=$(OUT)/runs/%/results.json)
FIGURES := $(CONFIG_NAMES:%=$(OUT)/figures/%/figures.json)
SEED_RUNS := $(foreach s,$(SEED_NUMBERS),$(CONFIG_NAMES:%=$(OUT)/seeds/s$(s)/%/results.json))
BENCH := $(OUT)/bench
BENCH_SEED_RUNS := $(SEED_RUNS:$(OUT)/seeds/%=$(BENCH)/seeds/%)
# The appendix shows make bench's table once there is one.
BENCH_TABLE := $(wildcard $(BENCH)/bench.md)
SEED_FIGURES := $(foreach s,$(SEED_NUMBERS),$(CONFIG_NAMES:%=$(OUT)/seed-figures/s$(s)/%/figures.json))

BUILD_PACKAGES := cmake g++ make libeigen3-dev libboost-program-options-dev libboost-iostreams-dev \
  libboost-system-dev libboost-filesystem-dev libgnuplot-iostream-dev nlohmann-json3-dev libfmt-dev \
  libssl-dev catch2 gnuplot-nox
REPORT_PACKAGES := pandoc texlive-latex-base texlive-latex-recommended texlive-fonts-recommended \
  texlive-latex-extra lmodern

.PHONY: report test test-sanitize test-interrupts check crosscheck bench bench-seed-runs clean FORCE

report: $(OUT)/report/report.html $(OUT)/report/report.pdf

# ---- packages: installed when root, otherwise the exact command is printed ------------------------
define ensure_packages
missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
missing=$$(echo $$missing); \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "superpos: installing missing Debian packages: $$missing"; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || exit 1; \
  else \
    echo "superpos: missing Debian packages; run: sudo apt-get install -y $$missing" >&2; exit 1; \
  fi; \
fi
endef

$(STAMPS)/build-packages.ok: Makefile
	@mkdir -p $(@D)
	@$(call ensure_packages,$(BUILD_PACKAGES))
	@touch $@

$(STAMPS)/report-packages.ok: Makefile
	@mkdir -p $(@D)
	@$(call ensure_packages,$(REPORT_PACKAGES))
	@touch $@

# ---- the program ----------------------------------------------------------------------------------
$(BUILD)/CMakeCache.txt: | $(STAMPS)/build-packages.ok
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

# cmake decides whether anything needs compiling; the binary's timestamp only moves when it relinks.
$(BIN): FORCE $(BUILD)/CMakeCache.txt
	+@cmake --build $(BUILD) --target superpos | grep -Ev '^\[|Built target|Consolidate|Entering directory|Leaving directory' || true
	@test -x $@

# Each stage depends on the hash of its own sources, rewritten only when it changes, so editing
# plotting code re-plots without retraining, and editing the renderer only re-renders.
$(HASHES)/%.hash: $(BIN)
	@mkdir -p $(@D) && $(BIN) hash $* > $@.tmp && { cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }

# Stamps are kept between runs: they are what tells make a stage's code is unchanged.
.PRECIOUS: $(HASHES)/%.hash

# ---- training -------------------------------------------------------------------------------------
$(OUT)/runs/%/results.json: report/configs/%.ini $(HASHES)/trainer.hash
	$(BIN) train --config $< --out $(@D) --quiet

# $(1): seed, $(2): folder of seed sets (the report's, or make bench's scratch copy).
define seed_rule
$(2)/s$(1)/%/results.json: report/configs/%.ini $(HASHES)/trainer.hash
	$(BIN) train --config $$< --out $$(@D) --quiet --seed $(1) --stream_offset 0
endef
$(foreach s,$(SEED_NUMBERS),$(eval $(call seed_rule,$(s),$(OUT)/seeds)))
$(foreach s,$(SEED_NUMBERS),$(eval $(call seed_rule,$(s),$(BENCH)/seeds)))

# ---- figures --------------------------------------------------------------------------------------
$(OUT)/figures/%/figures.json: $(OUT)/runs/%/results.json $(HASHES)/plot.hash
	$(BIN) plot --run $(<D) --out $(@D)

$(OUT)/seed-figures/%/figures.json: $(OUT)/seeds/%/results.json $(HASHES)/plot.hash
	$(BIN) plot --run $(<D) --out $(@D) --only weights

# ---- the report -----------------------------------------------------------------------------------
$(OUT)/report/report.md: report/report.md report/thresholds.ini report/article_printed.json \
    $(RUNS) $(SEED_RUNS) $(HASHES)/report.hash $(BENCH_TABLE)
	@mkdir -p $(@D)
	$(BIN) render --template report/report.md --runs $(OUT)/runs --seeds $(OUT)/seeds \
	  $(if $(BENCH_TABLE),--bench $(BENCH_TABLE)) \
	  --figures $(OUT)/figures --seed-figures $(OUT)/seed-figures \
	  --claims-json $(OUT)/report/claims.json --out $@

PANDOC := pandoc --from markdown --standalone --toc --number-sections --citeproc \
  --bibliography report/references.bib --metadata link-citations=true

$(OUT)/report/report.html: $(OUT)/report/report.md templates/report.html templates/report.css \
    report/references.bib $(FIGURES) $(SEED_FIGURES) | $(STAMPS)/report-packages.ok
	$(PANDOC) --to html5 --template templates/report.html --css templates/report.css --self-contained \
	  --mathml --default-image-extension=svg -o $(@D)/.report.html.tmp $<
	@mv -f $(@D)/.report.html.tmp $@

$(OUT)/report/report.pdf: $(OUT)/report/report.md templates/report-header.tex report/references.bib \
    $(FIGURES) $(SEED_FIGURES) | $(STAMPS)/report-packages.ok
	$(PANDOC) --to latex --pdf-engine=pdflatex --include-in-header templates/report-header.tex \
	  -V geometry:margin=2.2cm -V fontsize=10pt -V colorlinks=true \
	  --default-image-extension=pdf -o $(@D)/.report.tmp.pdf $<
	@mv -f $(@D)/.report.tmp.pdf $@

# ---- checks ---------------------------------------------------------------------------------------
test: $(BUILD)/CMakeCache.txt
	+cmake --build $(BUILD)
	cd $(BUILD) && ctest --output-on-failure

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer (any report fails them).
test-sanitize: | $(STAMPS)/build-packages.ok
	cmake -S . -B $(BUILD)/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSUPERPOS_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	+cmake --build $(BUILD)/sanitize
	cd $(BUILD)/sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure

# Interrupts make report 20 times (SIGINT and SIGKILL) and checks every artefact against an
# uninterrupted build; also that -j1 and -j2 builds are byte-identical. About four minutes.
test-interrupts: $(BIN) | $(STAMPS)/report-packages.ok
	bash tests/interrupts.sh

# The claims table on the article's runs and every seed; fails when an article claim fails on seed 42.
check: $(RUNS) $(SEED_RUNS)
	$(BIN) claims --json $(OUT)/claims.json $(OUT)/runs $(SEED_NUMBERS:%=$(OUT)/seeds/s%)

# Where Debian's python3-torch is installed: superpos against the article's PyTorch code, seeds 0-5.
crosscheck: $(BIN)
	@/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "superpos: make crosscheck needs python3-torch: apt-get install -y python3-torch" >&2; exit 1; }
	/usr/bin/python3 tests/reference/crosscheck.py $(BIN) --seeds 0-5

# ---- speed ----------------------------------------------------------------------------------------
# Times training against the article's PyTorch code (when python3-torch is installed), the random-
# number floor, a larger model, and the report's robustness runs under make -j2. Writes
# $(BENCH)/bench.csv and bench.md; the next `make report` puts the table in its appendix.
bench: $(BIN) $(HASHES)/trainer.hash
	@rm -rf $(BENCH)/seeds
	@mkdir -p $(BENCH)
	@echo "superpos bench: training the $(words $(BENCH_SEED_RUNS)) robustness runs with make -j2"
	@started=$$(date +%s%N); \
	  $(MAKE) --no-print-directory -j2 bench-seed-runs >/dev/null || exit 1; \
	  finished=$$(date +%s%N); \
	  echo $$(( (finished - started) / 1000000 )) > $(BENCH)/seed-runs-ms.txt
	@rm -rf $(BENCH)/seeds
	$(BIN) bench $(CONFIG_NAMES:%=--config report/configs/%.ini) --repeats 9 --scaling \
	  --torch tests/reference/torch_reference.py --out $(BENCH) \
	  --seed-runs $(words $(BENCH_SEED_RUNS)) --seed-runs-seconds $$(awk '{print $$1 / 1000}' $(BENCH)/seed-runs-ms.txt)

bench-seed-runs: $(BENCH_SEED_RUNS)

clean:
	rm -rf $(BUILD)
