# superpos: the dependency graph of the report. `make report` and `make test` are all a user needs;
# each installs missing Debian packages first. Every target below is a real file except the
# entry points, so `make` rebuilds exactly what a change affects.
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
NPROC := $(shell nproc)
MAKEFLAGS += --no-builtin-rules
# The top-level make sets the parallelism; a sub-make (make report's locked build) shares its jobs.
# JOBS=N sets it (with CLUSTER=slurm: how many jobs are in flight on the cluster), as -jN does.
ifeq ($(MAKELEVEL),0)
ifneq ($(JOBS),)
MAKEFLAGS += -j$(JOBS)
else
MAKEFLAGS += -j$(NPROC)
endif
endif

BUILD ?= build
BIN := $(BUILD)/bin/superpos
STAMPS := $(BUILD)/stamps
# Where the runs, figures and report go; `make report OUT=DIR` keeps a second set beside the first
# with the same binary (tests/interrupts.sh uses that). The hashes of the code that made them live
# with them.
OUT ?= $(BUILD)
HASHES := $(OUT)/stamps
CMAKE_FLAGS ?=
# V=1 shows every command; by default a step prints one numbered line (see `report` below).
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
# step: the console line of one step. Run by `make report`, it is numbered from a counter file
# (flock: steps run in parallel) and logged for the summary; 'superpos-step' marks it for the dry
# run that counts the steps.
STEP_TOTAL ?= ?
STEP_COUNTER ?=
step = @: superpos-step; $(if $(STEP_COUNTER),n=$$(flock $(STEP_COUNTER).lock sh -c 'n=$$(( $$(cat $(STEP_COUNTER) 2>/dev/null || echo 0) + 1 )); echo $$n > $(STEP_COUNTER); echo "$(1)" >> $(STEP_COUNTER).log; echo $$n'),n=-); \
  printf '[%4s/%s] %s\n' "$$n" "$(STEP_TOTAL)" "$(1)"
# Fixed timestamps, so two builds of the same inputs give byte-identical HTML and PDF: the last
# commit's time (what reproducible-builds.org recommends), or a fixed date outside git.
export SOURCE_DATE_EPOCH ?= $(or $(shell git log -1 --format=%ct 2>/dev/null),1732924800)
export FORCE_SOURCE_DATE := 1

# The report's inputs; `make report REPORT_DIR=DIR` builds from a copy (tests/whatif.sh does).
REPORT_DIR ?= report
CONFIG_DIR := $(REPORT_DIR)/configs

# Config names become folder names and make targets, so they must match one safe pattern before make
# uses them: a name with a space, quote, '$$' or ';' stops here with the file named, never reaching
# a rule or a shell. (Pure make: the names are compared, not executed.)
SAFE_NAME_CHARS := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 _ . -
strip_safe = $(if $(2),$(call strip_safe,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# The same for the paths make uses as targets and pastes into its recipes (BUILD, OUT, REPORT_DIR):
# each stops here, naming the variable, unless it is made of letters, digits and _ . - / + @ alone
# and does not start with '-'. (A folder with other characters, a space among them, can be reached
# through a symbolic link of such a name.) PUBLISH_DIR is never pasted anywhere: see publishing.
# A value given on the command line or in the environment is checked as typed ($(value)), before make
# would expand a '$' in it; our own defaults (OUT = $(BUILD)) as expanded.
SAFE_PATH_CHARS := $(SAFE_NAME_CHARS) / + @
as_given = $(if $(filter command line environment,$(origin $(1))),$(value $(1)),$($(1)))
unsafe_path = $(or $(if $(strip $(1)),,empty),$(word 2,$(1)),$(filter -%,$(1)),$(call strip_safe,$(1),$(SAFE_PATH_CHARS)))
$(foreach v,BUILD OUT REPORT_DIR,$(if $(call unsafe_path,$(call as_given,$(v))),$(error superpos: $(v)='$(if $(word 41,$(subst /, ,$(call as_given,$(v)))),$(wordlist 1,8,$(subst /, / ,$(call as_given,$(v))))...,$(call as_given,$(v)))' cannot be used: a path given to make may hold only letters, digits and _ . - / + @ and may not start with '-' (for another folder, make a symbolic link to it with such a name))))
# The paths print in the report's captions and LaTeX sets them on one line: refused past 200
# characters (checked by the shell once they are known to be plain text).
$(foreach v,BUILD OUT REPORT_DIR,$(if $(shell test $$(printf %s '$($(v))' | wc -c) -le 200 || echo long),$(error superpos: $(v) is a path of $(shell printf %s '$($(v))' | wc -c) characters (at most 200: it is printed in the report's captions); use a shorter one or a symbolic link)))
# Every timestamp in the report comes from SOURCE_DATE_EPOCH: a whole number of seconds.
ifneq ($(or $(call strip_safe,$(SOURCE_DATE_EPOCH),0 1 2 3 4 5 6 7 8 9),$(if $(strip $(SOURCE_DATE_EPOCH)),,empty),$(word 2,$(SOURCE_DATE_EPOCH))),)
$(error superpos: SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' is not a whole number of seconds since 1970 (unset it, or expected e.g. SOURCE_DATE_EPOCH=1732924800))
endif
# pandoc, LaTeX and the tests write their scratch files under TMPDIR: it must be a writable folder.
ifneq ($(shell if [ -n "$$TMPDIR" ] && ! { [ -d "$$TMPDIR" ] && [ -w "$$TMPDIR" ]; }; then echo bad; fi),)
$(error superpos: TMPDIR='$(TMPDIR)' is not a writable folder (unset it, or point it at one))
endif
CONFIG_FILES := $(sort $(wildcard $(CONFIG_DIR)/*.ini))
UNSAFE_CONFIGS := $(strip $(foreach f,$(CONFIG_FILES),$(if $(filter %.ini,$(f)),$(if $(call strip_safe,$(basename $(notdir $(f))),$(SAFE_NAME_CHARS)),$(f)),$(f))))
ifneq ($(UNSAFE_CONFIGS),)
$(error superpos: $(CONFIG_DIR): configuration file names must match [A-Za-z0-9_.-]+.ini; rename: $(UNSAFE_CONFIGS))
endif
CONFIG_NAMES := $(basename $(notdir $(CONFIG_FILES)))

# Robustness seeds trained besides the article's seed; `make report SEEDS=4` for fewer.
SEEDS ?= 16
ifneq ($(or $(call strip_safe,$(SEEDS),0 1 2 3 4 5 6 7 8 9),$(if $(strip $(SEEDS)),,empty),$(word 2,$(SEEDS))),)
$(error superpos: SEEDS='$(SEEDS)' is not a whole number (expected SEEDS=0 ... SEEDS=1000))
endif
ifeq ($(shell test $(SEEDS) -le 1000 && echo ok),)
$(error superpos: SEEDS=$(SEEDS) is out of range (expected SEEDS=0 ... SEEDS=1000))
endif
SEED_NUMBERS := $(if $(filter-out 0,$(SEEDS)),$(shell seq 0 $$(( $(SEEDS) - 1 ))))
# Every file of a run and of its figures is a target, so a deleted or damaged one is made again.
RUN_FILES := results.json weights.csv bias.csv angles.csv interactions.csv interference.csv loss.csv features.csv
# NAME.phone.svg: the figure laid out for a phone's width, which the HTML shows on a narrow screen.
FIGURE_FILES := figures.json $(foreach f,weights interactions bias interference loss,$(f).svg $(f).pdf $(f).phone.svg)
RUNS := $(foreach c,$(CONFIG_NAMES),$(addprefix $(OUT)/runs/$(c)/,$(RUN_FILES)))
FIGURES := $(foreach c,$(CONFIG_NAMES),$(addprefix $(OUT)/figures/$(c)/,$(FIGURE_FILES)))
SEED_RUNS := $(foreach s,$(SEED_NUMBERS),$(foreach c,$(CONFIG_NAMES),$(addprefix $(OUT)/seeds/s$(s)/$(c)/,$(RUN_FILES))))
BENCH := $(OUT)/bench
BENCH_SEED_RUNS := $(patsubst $(OUT)/seeds/%,$(BENCH)/seeds/%,$(filter %/results.json,$(SEED_RUNS)))
# The appendix shows make bench's table once there is one.
BENCH_TABLE := $(wildcard $(BENCH)/bench.md)
# The robustness gallery: a figure per configuration with a panel per seed (none without seeds).
SEED_GALLERY := $(if $(SEED_NUMBERS),$(OUT)/seed-gallery/figures.json $(foreach c,$(CONFIG_NAMES),$(OUT)/seed-gallery/$(c).svg $(OUT)/seed-gallery/$(c).pdf $(OUT)/seed-gallery/$(c).phone.svg))

# The paper's chapters (report/paper.md, `superpos paper`): a sweep per chapter, ROLE=CONFIG. Every
# chapter is also trained on robustness seeds, so that each claim carries k of K: the sweeps of a
# few seconds (PAPER_SEEDED) on all SEEDS, the phase grid (16 restarts a cell) and the geometry
# sweep (PAPER_COSTLY, about a minute each on two cores) on the first PAPER_COSTLY_SEEDS of them
# (default 3: with its own seed, 4 runs, the fewest for which "3 of 4" tells a robust reading from
# a fragile one).
PAPER_DIR := $(REPORT_DIR)/paper
PAPER_CHAPTERS := intro=intro_5x2 many_linear=many_linear many_relu=many_relu phase=phase_2x1 geometry=geometry_200x20 \
  dynamics=dynamics_200x20 correlated=correlated_4x2 anticorrelated=anticorrelated_4x2 correlated_three=correlated_6x2 \
  computation=computation_100x40 computation_small=computation_20x10
PAPER_SEEDED := intro many_linear many_relu correlated anticorrelated correlated_three
PAPER_COSTLY := phase geometry dynamics computation computation_small
PAPER_COSTLY_SEEDS ?= 3
ifneq ($(or $(call strip_safe,$(PAPER_COSTLY_SEEDS),0 1 2 3 4 5 6 7 8 9),$(if $(strip $(PAPER_COSTLY_SEEDS)),,empty),$(word 2,$(PAPER_COSTLY_SEEDS))),)
$(error superpos: PAPER_COSTLY_SEEDS='$(PAPER_COSTLY_SEEDS)' is not a whole number (expected PAPER_COSTLY_SEEDS=0 ... 1000))
endif
COSTLY_SEED_NUMBERS := $(wordlist 1,$(PAPER_COSTLY_SEEDS),$(SEED_NUMBERS))
paper_config = $(word 2,$(subst =, ,$(filter $(1)=%,$(PAPER_CHAPTERS))))
PAPER_NAMES := $(foreach c,$(PAPER_CHAPTERS),$(word 2,$(subst =, ,$(c))))
PAPER_CONFIGS := $(PAPER_NAMES:%=$(PAPER_DIR)/%.ini)
PAPER_RUNS := $(PAPER_NAMES:%=$(OUT)/paper-runs/%/instances.json)
# Each run's config as it was last trained from (the stamp rules under "training").
CONFIG_STAMPS := $(CONFIG_NAMES:%=$(HASHES)/configs/%.ini) $(PAPER_NAMES:%=$(HASHES)/paper-configs/%.ini)
PAPER_SEED_RUNS := $(foreach s,$(SEED_NUMBERS),$(foreach r,$(PAPER_SEEDED),$(OUT)/paper-seeds/s$(s)/$(call paper_config,$(r))/instances.json)) \
  $(foreach s,$(COSTLY_SEED_NUMBERS),$(foreach r,$(PAPER_COSTLY),$(OUT)/paper-seeds/s$(s)/$(call paper_config,$(r))/instances.json))
# superpos paper's --seeded: every role, the costly ones with their seed count.
PAPER_SEEDED_ARGS := $(PAPER_SEEDED:%=--seeded %) $(PAPER_COSTLY:%=--seeded %:$(words $(COSTLY_SEED_NUMBERS)))
PAPER_OUT := $(OUT)/paper
# `make report PAPER_STEPS=200` trains the paper's sweeps for that many steps instead of their
# configs' (the test scripts use it to check the build in seconds; the report then says 200 steps).
PAPER_STEPS ?=
ifneq ($(PAPER_STEPS),)
ifneq ($(or $(call strip_safe,$(PAPER_STEPS),0 1 2 3 4 5 6 7 8 9),$(word 2,$(PAPER_STEPS)),$(filter 0,$(PAPER_STEPS))),)
$(error superpos: PAPER_STEPS='$(PAPER_STEPS)' is not a whole number of steps (expected PAPER_STEPS=1 ... or empty))
endif
endif
PAPER_OVERRIDES := $(if $(PAPER_STEPS),--steps $(PAPER_STEPS))
# A sweep folder is replaced whole by superpos train and instances.json is its last file, but an
# instance deleted or edited afterwards leaves instances.json as new as ever: the sweeps whose
# instances no longer match the records their listing keeps are stale like a changed config, and
# retrained. (One process per make, and only once the binary exists: before, no sweep does either.)
DAMAGED_SWEEPS := $(if $(wildcard $(BIN)),$(if $(wildcard $(PAPER_RUNS) $(PAPER_SEED_RUNS)),$(shell $(BIN) check-sweeps $(wildcard $(PAPER_RUNS) $(PAPER_SEED_RUNS)))))

BUILD_PACKAGES := cmake g++ make libeigen3-dev libboost-program-options-dev libboost-iostreams-dev \
  libboost-system-dev libboost-filesystem-dev libgnuplot-iostream-dev nlohmann-json3-dev libfmt-dev \
  libssl-dev catch2 gnuplot-nox
REPORT_PACKAGES := pandoc texlive-latex-base texlive-latex-recommended texlive-fonts-recommended \
  texlive-latex-extra lmodern

.PHONY: report report-files compile-stage status help packages publish test test-quick test-sanitize test-interrupts check crosscheck bench bench-seed-runs clean FORCE

# One build of an output tree at a time: a second `make report` on the same OUT waits for the first
# (flock on OUT/.build.lock) instead of racing it for the same files.
#
# The console shows one numbered line per step ("[  12/172] train relu_09 seed 3") and a summary;
# `make report V=1` shows the full commands. The total comes from a dry run (make -n) once the
# program is compiled, so it counts exactly the steps this build will run.
# Under make -n or -q the recipe below still runs (it calls $(MAKE)), so it then only passes the
# flag on to report-files: no lock, no counter, no summary.
DRY_RUN := $(findstring n,$(filter-out -%,$(firstword $(MAKEFLAGS))))$(findstring q,$(filter-out -%,$(firstword $(MAKEFLAGS))))
ifneq ($(DRY_RUN),)
report:
	@$(MAKE) --no-print-directory report-files
else
report:
	@mkdir -p $(OUT) && exec 8>>$(OUT)/.build.lock && { flock -n 8 || { \
	  echo "superpos: another build of $(OUT) is running; waiting for it to finish" >&2; flock 8; }; } || exit 1; \
	  $(MAKE) --no-print-directory compile-stage || exit $$?; \
	  $(BIN) status $(STATUS_ARGS) > $(OUT)/.status || exit $$?; \
	  grep -v '^superpos: nothing to redo' $(OUT)/.status | sed 's/^/superpos: to redo: /'; \
	  total=$$($(MAKE) --no-print-directory -n report-files SKIP_COMPILE=1 | grep -c 'superpos-step'); \
	  rm -f $(OUT)/.steps $(OUT)/.steps.log; \
	  $(MAKE) --no-print-directory report-files SKIP_COMPILE=1 STEP_TOTAL=$$total STEP_COUNTER=$(OUT)/.steps || exit $$?; \
	  runs=$(words $(CONFIG_NAMES) $(foreach s,$(SEED_NUMBERS),$(CONFIG_NAMES)) $(PAPER_RUNS) $(PAPER_SEED_RUNS)); \
	  trained=$$(grep -c '^train' $(OUT)/.steps.log 2>/dev/null); trained=$${trained:-0}; \
	  echo "superpos: report in $(OUT)/report/report.html and report.pdf (the paper's chapters: paper.html and paper.pdf); $$runs runs: $$trained trained, $$((runs - trained)) reused" && \
	  echo "superpos: $$(cat $(OUT)/report/summary.txt)"
endif

compile-stage: $(HASHES)/trainer.hash $(HASHES)/plot.hash $(HASHES)/report.hash $(HASHES)/paper.hash \
  $(CONFIG_STAMPS) $(HASHES)/paper-steps.list $(HASHES)/report-runs.list

# `make status`: what make report would redo and why, one line each, building nothing (superpos
# status, src/status/build_status.hpp). Every run and sweep make report builds, as KIND:DIR:CONFIG
# (:SEED), and the two documents with their inputs; all paths are make's own, checked above.
STATUS_ARGS = --source src --manifests $(HASHES)/manifests --seeds $(words $(SEED_NUMBERS)) \
  $(if $(PAPER_STEPS),--steps $(PAPER_STEPS)) \
  $(foreach c,$(CONFIG_NAMES),--run run:$(OUT)/runs/$(c):$(CONFIG_DIR)/$(c).ini) \
  $(foreach s,$(SEED_NUMBERS),$(foreach c,$(CONFIG_NAMES),--run run:$(OUT)/seeds/s$(s)/$(c):$(CONFIG_DIR)/$(c).ini:$(s))) \
  $(foreach n,$(PAPER_NAMES),--run sweep:$(OUT)/paper-runs/$(n):$(PAPER_DIR)/$(n).ini) \
  $(foreach s,$(SEED_NUMBERS),$(foreach r,$(PAPER_SEEDED),--run sweep:$(OUT)/paper-seeds/s$(s)/$(call paper_config,$(r)):$(PAPER_DIR)/$(call paper_config,$(r)).ini:$(s))) \
  $(foreach s,$(COSTLY_SEED_NUMBERS),$(foreach r,$(PAPER_COSTLY),--run sweep:$(OUT)/paper-seeds/s$(s)/$(call paper_config,$(r)):$(PAPER_DIR)/$(call paper_config,$(r)).ini:$(s))) \
  --document report:$(OUT)/report/report.md:report:$(HASHES)/report.hash:runs+sweeps \
  --input report:template:$(REPORT_DIR)/report.md --input report:thresholds:$(REPORT_DIR)/thresholds.ini \
  --input "report:the article's printed tensors:$(REPORT_DIR)/article_printed.json" \
  --document paper:$(PAPER_OUT)/paper.md:paper:$(HASHES)/paper.hash:sweeps \
  --input paper:template:$(REPORT_DIR)/paper.md --input paper:sources:$(PAPER_DIR)/sources.json \
  --input paper:thresholds:$(REPORT_DIR)/thresholds.ini
status:
	@if [ -x $(BIN) ]; then $(BIN) status $(STATUS_ARGS); \
	  else echo "superpos is not built yet: make report builds it, then trains and renders everything"; fi

report-files: $(OUT)/report/report.html $(OUT)/report/report.pdf $(OUT)/report/paper.html $(OUT)/report/paper.pdf

help:
	@echo 'superpos: make TARGET [VARIABLE=value ...]'
	@echo '  report            train, plot, render and typeset build/report/report.{html,pdf} (the default)'
	@echo '  test              build and run every test: unit, CLI, what-if, publish and layout (8 minutes)'
	@echo '  test-quick        the unit, CLI and bad-input tests only, for everyday work (2 minutes)'
	@echo '  publish           add the report to PUBLISH_DIR (default public/) as a new version;'
	@echo '                    PUBLISH_GIT=URL also commits it to PUBLISH_BRANCH (gh-pages) there and pushes'
	@echo '  status            list what make report would redo and why, building nothing'
	@echo '  check             print the claims table for the article runs and every seed'
	@echo '  bench             time training against PyTorch and the random-number floor'
	@echo '  crosscheck        compare superpos with the article'"'"'s PyTorch code (needs python3-torch)'
	@echo '  test-sanitize     the unit tests under AddressSanitizer and UBSan'
	@echo '  test-interrupts   interrupt make report 20 times and compare with a clean build'
	@echo '  packages          install the Debian packages make report needs'
	@echo '  clean             remove build/'
	@echo 'variables: SEEDS=16 (robustness seeds), V=1 (show commands), OUT=build, REPORT_DIR=report,'
	@echo '  CLUSTER=slurm (train on a Slurm cluster), JOBS=N, JOB_CPUS=2, SRUN_FLAGS="--partition=..."'
	@echo '  PUBLISH_DIR=public, PAPER_STEPS=N (train the paper'"'"'s sweeps for N steps, for a quick look)'
	@echo '  PAPER_COSTLY_SEEDS=3 (robustness seeds of the phase, geometry and dynamics sweeps; the others get SEEDS)'

# ---- packages: installed when root, otherwise the exact command is printed ------------------------
# One apt-get at a time: under -j the build and report package steps would otherwise race for the
# dpkg lock (and so would two makes). Each step takes $(STAMPS)/packages.lock with flock, and checks
# what is missing only once it holds the lock, so the second step finds nothing left to install.
# `make report` needs both sets: it asks for them in one apt-get call (PACKAGES_STAMP below).
# dpkg-query, apt-get and id are found on PATH, so tests/packages_test.sh can stand in for them.
define ensure_packages
mkdir -p $(STAMPS); \
exec 9>>$(STAMPS)/packages.lock; flock 9; \
missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
missing=$$(echo $$missing); \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "superpos: installing missing Debian packages: $$missing"; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get -o DPkg::Lock::Timeout=600 update -qq && \
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null || \
      { echo "superpos: apt-get could not install: $$missing" >&2; exit 1; }; \
  else \
    echo "superpos: missing Debian packages; run: sudo apt-get install -y $$missing" >&2; exit 1; \
  fi; \
fi
endef

# Goals that typeset the report need both package sets; they get them from one stamp, one apt-get.
REPORT_GOALS := report report-files compile-stage test test-interrupts publish packages
# When the goal typesets, the build step installs both sets too, so whichever stamp runs first makes
# the one apt-get call and the other finds nothing missing.
# `make test` also reads PDFs as text (pdftotext, tests/hostile.sh) and brings up a single-node Slurm
# cluster (tests/cluster.sh): its stamp adds those packages.
TEST_PACKAGES := poppler-utils slurmctld slurmd slurm-client munge
ifneq ($(filter test,$(MAKECMDGOALS)),)
PACKAGES_STAMP := $(STAMPS)/test-packages.ok
FIRST_PACKAGES := $(BUILD_PACKAGES) $(REPORT_PACKAGES) $(TEST_PACKAGES)
else ifneq ($(filter $(REPORT_GOALS),$(if $(MAKECMDGOALS),$(MAKECMDGOALS),report)),)
PACKAGES_STAMP := $(STAMPS)/report-packages.ok
FIRST_PACKAGES := $(BUILD_PACKAGES) $(REPORT_PACKAGES)
else
PACKAGES_STAMP := $(STAMPS)/build-packages.ok
FIRST_PACKAGES := $(BUILD_PACKAGES)
endif

# `make packages` installs everything `make report` needs, and nothing else.
packages: $(STAMPS)/report-packages.ok

$(STAMPS)/build-packages.ok: Makefile
	@$(call ensure_packages,$(FIRST_PACKAGES))
	@touch $@

$(STAMPS)/report-packages.ok: Makefile
	@$(call ensure_packages,$(BUILD_PACKAGES) $(REPORT_PACKAGES))
	@touch $@

$(STAMPS)/test-packages.ok: Makefile
	@$(call ensure_packages,$(BUILD_PACKAGES) $(REPORT_PACKAGES) $(TEST_PACKAGES))
	@touch $@

# ---- the program ----------------------------------------------------------------------------------
$(BUILD)/CMakeCache.txt: | $(PACKAGES_STAMP)
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

# cmake decides whether anything needs compiling; the binary's timestamp only moves when it relinks.
# A compile error fails this recipe (pipefail; the filter only hides progress lines), so no later
# step runs on the old binary. No '+': under `make -n` or `make -q` nothing is compiled.
ifeq ($(SKIP_COMPILE),)
$(BIN): FORCE $(BUILD)/CMakeCache.txt
	@set -o pipefail; MAKEFLAGS= cmake --build $(BUILD) --target superpos --parallel $(NPROC) 2>&1 | \
	  { grep -Ev '^\[|Built target|Consolidate|Entering directory|Leaving directory' || true; }
	@test -x $@
else
# Within `make report`, after compile-stage: the binary and the stage hashes are current.
$(BIN):
	@test -x $@
endif

# Each stage depends on the hash of its own sources, rewritten only when it changes, so editing
# plotting code re-plots without retraining, and editing the renderer only re-renders.
$(HASHES)/%.hash: $(if $(SKIP_COMPILE),,$(BIN))
	@mkdir -p $(@D) && $(BIN) hash $* --manifests $(@D)/manifests > $@.tmp && { cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }

# Stamps are kept between runs: they are what tells make a stage's code is unchanged.
.PRECIOUS: $(HASHES)/%.hash

# ---- training -------------------------------------------------------------------------------------
# $(call train,NAME): the command that trains one run. Locally superpos train; with CLUSTER=slurm,
# superpos submit, which runs it as a Slurm job named superpos:NAME through srun, asks for the cores,
# memory and time it needs, and counts it as made only if Slurm says it completed and its outputs
# are new (src/cli/cluster_commands.cpp). SRUN_FLAGS reaches it through the environment, never as
# recipe text. Before the first job, one tiny job checks that OUT is shared with the nodes.
CLUSTER ?=
JOBS ?=
JOB_CPUS ?= 2
SRUN_FLAGS ?=
ifeq ($(filter-out slurm,$(CLUSTER)),)
else
$(error superpos: CLUSTER='$(CLUSTER)' is not a cluster superpos knows (expected CLUSTER=slurm, or no CLUSTER to train here))
endif
ifneq ($(or $(call strip_safe,$(JOB_CPUS),0 1 2 3 4 5 6 7 8 9),$(if $(strip $(JOB_CPUS)),,empty),$(word 2,$(JOB_CPUS)),$(filter 0,$(JOB_CPUS))),)
$(error superpos: JOB_CPUS='$(JOB_CPUS)' is not a whole number of cores (expected JOB_CPUS=1 ...))
endif
ifneq ($(if $(JOBS),$(or $(call strip_safe,$(JOBS),0 1 2 3 4 5 6 7 8 9),$(word 2,$(JOBS)),$(filter 0,$(JOBS)))),)
$(error superpos: JOBS='$(JOBS)' is not a whole number of jobs (expected JOBS=1 ...))
endif
ifeq ($(CLUSTER),slurm)
export SUPERPOS_SRUN_FLAGS := $(call as_given,SRUN_FLAGS)
train = $(BIN) submit --name $(1) --cpus $(JOB_CPUS) -- train
CLUSTER_CHECK := | cluster-check
cluster-check: $(BIN)
	@$(BIN) submit --check-shared $(OUT)
.PHONY: cluster-check
else
train = $(BIN) train
CLUSTER_CHECK :=
endif

# '+' hands make's jobserver to superpos train, so that a sweep's threads beyond its first run only
# on free job slots (src/train/thread_budget.hpp): make -jN and the sweeps' threads together never
# use more than N cores. Not under -n or -q, where '+' would run the recipe.
JOBSERVER := $(if $(DRY_RUN),,+)
$(addprefix $(OUT)/runs/%/,$(RUN_FILES)): $(HASHES)/configs/%.ini $(HASHES)/trainer.hash $(CLUSTER_CHECK)
	$(call step,train $*)
	$(JOBSERVER)$(Q)$(call train,$*) --config $(CONFIG_DIR)/$*.ini --out $(@D) --quiet

# $(1): seed, $(2): folder of seed sets (the report's, or make bench's scratch copy).
define seed_rule
$(addprefix $(2)/s$(1)/%/,$(RUN_FILES)): $(HASHES)/configs/%.ini $(HASHES)/trainer.hash $(CLUSTER_CHECK)
	$$(call step,train $$* seed $(1))
	$$(JOBSERVER)$$(Q)$$(call train,$$*:s$(1)) --config $(CONFIG_DIR)/$$*.ini --out $$(@D) --quiet --seed $(1) --stream_offset 0
endef
$(foreach s,$(SEED_NUMBERS),$(eval $(call seed_rule,$(s),$(OUT)/seeds)))
$(foreach s,$(SEED_NUMBERS),$(eval $(call seed_rule,$(s),$(BENCH)/seeds)))

# The paper's sweeps: one folder each, replaced whole by superpos train (instances.json is its last file).
$(OUT)/paper-runs/%/instances.json: $(HASHES)/paper-configs/%.ini $(HASHES)/trainer.hash $(HASHES)/paper-steps.list $(CLUSTER_CHECK)
	$(call step,train paper $*)
	$(JOBSERVER)$(Q)$(call train,paper:$*) --config $(PAPER_DIR)/$*.ini --out $(@D) --quiet $(PAPER_OVERRIDES)

define paper_seed_rule
$(OUT)/paper-seeds/s$(1)/%/instances.json: $(HASHES)/paper-configs/%.ini $(HASHES)/trainer.hash $(HASHES)/paper-steps.list $(CLUSTER_CHECK)
	$$(call step,train paper $$* seed $(1))
	$$(JOBSERVER)$$(Q)$$(call train,paper:$$*:s$(1)) --config $(PAPER_DIR)/$$*.ini --out $$(@D) --quiet --seed $(1) --stream_offset 0 $(PAPER_OVERRIDES)
endef

# PAPER_STEPS as the sweeps were trained with, rewritten only when it changes: changing it retrains.
# Like the config stamps below, brought up to date by compile-stage before make report's dry run,
# and left alone within it (a FORCE'd prerequisite would make `make -n` count every sweep as a step).
$(HASHES)/paper-steps.list: $(if $(SKIP_COMPILE),,FORCE)
	@mkdir -p $(@D) && printf '%s\n' 'steps $(PAPER_STEPS)' > $@.tmp.$$$$ && \
	  { cmp -s $@.tmp.$$$$ $@ && rm -f $@.tmp.$$$$ || mv -f $@.tmp.$$$$ $@; }
.PRECIOUS: $(HASHES)/paper-steps.list
$(foreach s,$(SEED_NUMBERS),$(eval $(call paper_seed_rule,$(s))))

$(DAMAGED_SWEEPS): FORCE

# A run depends on its config's content, not on the file's time: a copy of the bytes it was last
# trained from, rewritten only when they differ. Switching REPORT_DIR to a folder whose config is
# older but different retrains (its time alone would not); copying or touching a config without
# changing it retrains nothing. A new stamp takes its config's time (cp -p), so the first build
# with stamps keeps the runs that were current. The config itself is order-only: a missing one is
# make's "no rule to make target", naming it. (Config names and folders are checked safe above.)
define config_stamp_rule
$(HASHES)/$(1)/%.ini: $$(if $$(SKIP_COMPILE),,FORCE) | $(2)/%.ini
	@mkdir -p $$(@D) && $$(call remove_dead_temporaries,$$@.tmp.) && { cmp -s $(2)/$$*.ini $$@ || { \
	  if test -e $$@; then cp $(2)/$$*.ini $$@.tmp.$$$$$$$$; else cp -p $(2)/$$*.ini $$@.tmp.$$$$$$$$; fi && \
	  mv -f $$@.tmp.$$$$$$$$ $$@; }; }
endef
$(eval $(call config_stamp_rule,configs,$(CONFIG_DIR)))
$(eval $(call config_stamp_rule,paper-configs,$(PAPER_DIR)))
.PRECIOUS: $(CONFIG_STAMPS)

# ---- figures --------------------------------------------------------------------------------------
$(addprefix $(OUT)/figures/%/,$(FIGURE_FILES)): $(OUT)/runs/%/results.json $(HASHES)/plot.hash
	$(call step,plot $*)
	$(Q)$(BIN) plot --run $(<D) --out $(@D)

# Its marks are the claims failing on each seed, so it follows the thresholds and the configs' claims;
# and it shows exactly the seeds asked for (the runs list names the seed count).
ifneq ($(SEED_GALLERY),)
$(SEED_GALLERY) &: $(SEED_RUNS) $(REPORT_DIR)/thresholds.ini $(CONFIG_FILES) $(HASHES)/plot.hash $(HASHES)/report-runs.list
	$(call step,plot seed gallery)
	$(Q)$(BIN) plot-seeds $(CONFIG_NAMES:%=--name %) --seed-runs $(OUT)/seeds --seed-count $(SEEDS) \
	  --thresholds $(REPORT_DIR)/thresholds.ini --out $(OUT)/seed-gallery
endif

# ---- the report -----------------------------------------------------------------------------------
# The list of runs this report is made of (configurations and seed count), rewritten only when it
# changes: deleting a config or changing SEEDS re-renders even though no run got newer. Brought up
# to date by compile-stage, like paper-steps.list.
$(HASHES)/report-runs.list: $(if $(SKIP_COMPILE),,FORCE)
	@mkdir -p $(@D) && $(call remove_dead_temporaries,$@.tmp.) && printf '%s\n' $(CONFIG_NAMES) 'seeds $(SEEDS)' > $@.tmp.$$$$ && \
	  { cmp -s $@.tmp.$$$$ $@ && rm -f $@.tmp.$$$$ || mv -f $@.tmp.$$$$ $@; }
.PRECIOUS: $(HASHES)/report-runs.list

# The renderer reads exactly these runs, and stops if one was trained from another config version or
# by other trainer code, or if its figures are not of it.
$(OUT)/report/report.md: $(REPORT_DIR)/report.md $(REPORT_DIR)/thresholds.ini $(REPORT_DIR)/article_printed.json \
    $(RUNS) $(SEED_RUNS) $(FIGURES) $(SEED_GALLERY) $(HASHES)/report.hash $(HASHES)/report-runs.list $(BENCH_TABLE) \
    $(PAPER_OUT)/claims.json
	@mkdir -p $(@D)
	$(call step,render report.md)
	$(Q)$(BIN) render --template $(REPORT_DIR)/report.md $(CONFIG_FILES:%=--config %) \
	  --runs $(OUT)/runs --figures $(OUT)/figures \
	  --seed-count $(SEEDS) --seed-runs $(OUT)/seeds --seed-gallery $(OUT)/seed-gallery \
	  --thresholds $(REPORT_DIR)/thresholds.ini --article $(REPORT_DIR)/article_printed.json \
	  $(if $(BENCH_TABLE),--bench $(BENCH_TABLE)) \
	  --paper-claims $(PAPER_OUT)/claims.json \
	  --claims-json $(OUT)/report/claims.json --manifest $(OUT)/report/manifest.json \
	  --summary $(OUT)/report/summary.txt --out $@

# Temporaries carry the recipe shell's PID, so two builds never share one; those of killed builds
# (their process gone, or a zombie) are removed by the next build.
define remove_dead_temporaries
for f in $(1)*; do [ -e "$$f" ] || continue; pid=$${f#$(1)}; pid=$${pid%%.*}; \
  if [ ! -d /proc/$$pid ] || grep -q ') Z' /proc/$$pid/stat 2>/dev/null; then rm -f "$$f"; fi; done
endef

PANDOC := pandoc --from markdown --standalone --toc --number-sections --lua-filter templates/crossref.lua --citeproc \
  --lua-filter templates/verdicts.lua \
  --bibliography $(REPORT_DIR)/references.bib --metadata link-citations=true
PANDOC_HTML := $(PANDOC) --to html5 --template templates/report.html --css templates/report.css --self-contained \
  --mathml --default-image-extension=svg --lua-filter templates/phone_figures.lua
PANDOC_PDF := $(PANDOC) --to latex --pdf-engine=pdflatex --include-in-header templates/report-header.tex \
  -V geometry:margin=2.2cm -V fontsize=10pt -V colorlinks=true --default-image-extension=pdf \
  --lua-filter templates/latex_layout.lua

# A document's HTML and PDF are typeset side by side into temporaries and renamed together once both
# succeeded: a failed typesetting step leaves the previous pair, never a new HTML beside an old PDF.
# LaTeX's log is kept beside the PDF (NAME-latex.log; pandoc --verbose prints it) so that the layout
# test can read its overfull lines; pandoc's own warnings still reach the console, and on a failure
# so does the end of the log.  $(1): the document's name, $(2): its Markdown and other inputs.
TYPESET_INPUTS := templates/report.html templates/report.css templates/report-header.tex templates/verdicts.lua \
  templates/crossref.lua templates/phone_figures.lua \
  templates/latex_layout.lua $(REPORT_DIR)/references.bib
define typeset_pair
$(OUT)/report/$(1).html $(OUT)/report/$(1).pdf &: $(2) $(TYPESET_INPUTS) | $(STAMPS)/report-packages.ok
	@mkdir -p $$(@D) && $$(call remove_dead_temporaries,$$(@D)/.$(1).tmp.)
	$$(call step,pandoc $(1).html)
	$$(call step,pandoc $(1).pdf)
	$$(Q)tmp=$$(@D)/.$(1).tmp.$$$$$$$$; \
	  $$(PANDOC_HTML) -o $$$$tmp.html $$< 2> $$$$tmp.html.log & html=$$$$!; \
	  $$(PANDOC_PDF) --verbose -o $$$$tmp.pdf $$< 2> $$$$tmp.log; pdf_status=$$$$?; \
	  wait $$$$html; html_status=$$$$?; cat $$$$tmp.html.log >&2; \
	  if [ $$$$html_status -eq 0 ] && [ $$$$pdf_status -eq 0 ]; then \
	    grep -F '[WARNING]' $$$$tmp.log >&2; \
	    mv -f $$$$tmp.log $$(@D)/$(1)-latex.log && mv -f $$$$tmp.html $$(@D)/$(1).html && mv -f $$$$tmp.pdf $$(@D)/$(1).pdf; \
	    rm -f $$$$tmp.html.log; \
	  else \
	    [ $$$$pdf_status -eq 0 ] || tail -25 $$$$tmp.log >&2; \
	    echo "superpos: typesetting $(1) failed; the previous $(1).html and $(1).pdf are left as they were" >&2; \
	    rm -f $$$$tmp.html $$$$tmp.pdf $$$$tmp.log $$$$tmp.html.log; exit 1; \
	  fi
endef
$(eval $(call typeset_pair,report,$(OUT)/report/report.md $(FIGURES) $(SEED_GALLERY)))

# The paper's chapters: claims, figures and Markdown in $(PAPER_OUT), replaced whole in one step.
$(PAPER_OUT)/paper.md: $(REPORT_DIR)/paper.md $(REPORT_DIR)/thresholds.ini $(PAPER_DIR)/sources.json $(PAPER_RUNS) $(PAPER_SEED_RUNS) \
    $(HASHES)/paper.hash $(HASHES)/report-runs.list $(HASHES)/paper-steps.list
	$(call step,render paper chapters)
	$(JOBSERVER)$(Q)$(BIN) paper $(foreach c,$(PAPER_CHAPTERS),--$(word 1,$(subst =, ,$(c))) $(PAPER_DIR)/$(word 2,$(subst =, ,$(c))).ini) \
	  --runs $(OUT)/paper-runs --seed-runs $(OUT)/paper-seeds --seed-count $(SEEDS) $(PAPER_SEEDED_ARGS) \
	  $(PAPER_OVERRIDES) --thresholds $(REPORT_DIR)/thresholds.ini --sources $(PAPER_DIR)/sources.json \
	  --template $(REPORT_DIR)/paper.md --out $(PAPER_OUT)
$(PAPER_OUT)/claims.json: $(PAPER_OUT)/paper.md

$(eval $(call typeset_pair,paper,$(PAPER_OUT)/paper.md))

# ---- publishing ----------------------------------------------------------------------------------
# `make publish` adds the report to PUBLISH_DIR as a new version (publish/site.hpp): built first (a
# failed build publishes nothing), opened by what changed since the newest published version, and
# skipped when its content is unchanged. `superpos publish` does the rest under the folder's lock:
# it refuses a folder it did not make, compares, typesets (pandoc from an argument vector) and
# writes the version. PUBLISH_DIR reaches it only through the environment, as one argument that no
# shell parses, so any folder name works; make's own text never holds it.
# With PUBLISH_GIT=URL-or-path, the site is then committed to PUBLISH_BRANCH (default gh-pages) of
# that repository and pushed, one commit per version, never forced (publish/git_branch.hpp); both
# reach superpos through the environment too.
PUBLISH_DIR ?= public
PUBLISH_GIT ?=
PUBLISH_BRANCH ?= gh-pages
PUBLISH := $(OUT)/publish

publish: export SUPERPOS_PUBLISH_DIR := $(call as_given,PUBLISH_DIR)
publish: export SUPERPOS_PUBLISH_GIT := $(call as_given,PUBLISH_GIT)
publish: export SUPERPOS_PUBLISH_BRANCH := $(call as_given,PUBLISH_BRANCH)
publish:
	@$(MAKE) --no-print-directory report
	@$(BIN) publish --site="$$SUPERPOS_PUBLISH_DIR" --build=$(OUT) --work=$(PUBLISH) \
	  $${SUPERPOS_PUBLISH_GIT:+--git="$$SUPERPOS_PUBLISH_GIT" --branch="$$SUPERPOS_PUBLISH_BRANCH"} \
	  --pandoc-html='$(PANDOC_HTML)' --pandoc-pdf='$(PANDOC_PDF)' \
	  --commit="$$(git rev-parse --short=12 HEAD 2>/dev/null || echo none)" \
	  $$(git status --porcelain 2>/dev/null | grep -q . && echo --dirty)

# ---- checks ---------------------------------------------------------------------------------------
# Each runs ctest on all cores (the tests share no folder: each has its own temporaries, and the
# shell suites copy one reference build), then prints its slowest tests and whether it kept its
# budget (tests/ctest_budget.sh; over budget is a line, not a failure). The budgets are the README's.
TEST_BUDGET := 480
TEST_QUICK_BUDGET := 120
TEST_SANITIZE_BUDGET := 420
test: $(BUILD)/CMakeCache.txt | $(STAMPS)/test-packages.ok
	@echo $$(date +%s) > $(BUILD)/.test-started
	MAKEFLAGS= cmake --build $(BUILD) --parallel $(NPROC)
	bash tests/ctest_budget.sh "make test" $(TEST_BUDGET) $(BUILD)/.test-started $(BUILD) -j$(NPROC)

# The everyday loop: the unit tests, the CLI and the bad-input cases; not the shell suites (label slow).
test-quick: $(BUILD)/CMakeCache.txt
	@echo $$(date +%s) > $(BUILD)/.test-started
	MAKEFLAGS= cmake --build $(BUILD) --parallel $(NPROC)
	bash tests/ctest_budget.sh "make test-quick" $(TEST_QUICK_BUDGET) $(BUILD)/.test-started $(BUILD) -j$(NPROC) -LE slow

# The C++ tests (unit and CLI, and the training paths they reach) built with AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails them). At -O1 with line tables (what ASan's authors
# advise) and with assertions on: it compiles in half the time -O2 -g took (171 s against 349 s
# on 2 cores) and its reports still name file and line.
test-sanitize: | $(STAMPS)/build-packages.ok
	@mkdir -p $(BUILD)/sanitize && echo $$(date +%s) > $(BUILD)/sanitize/.test-started
	cmake -S . -B $(BUILD)/sanitize -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DSUPERPOS_SANITIZE=ON \
	  $(CMAKE_FLAGS) >/dev/null
	+cmake --build $(BUILD)/sanitize
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash tests/ctest_budget.sh "make test-sanitize" $(TEST_SANITIZE_BUDGET) $(BUILD)/sanitize/.test-started \
	  $(BUILD)/sanitize -j$(NPROC)

# Interrupts make report 20 times (SIGINT and SIGKILL) and checks every artefact against an
# uninterrupted build; also that -j1 and -j2 builds are byte-identical. About four minutes.
test-interrupts: $(BIN) | $(STAMPS)/report-packages.ok
	bash tests/interrupts.sh

# The claims table on the article's runs and every seed; fails when an article claim fails on seed 42.
check: $(RUNS) $(SEED_RUNS) $(PAPER_RUNS) $(PAPER_SEED_RUNS)
	$(BIN) paper $(foreach c,$(PAPER_CHAPTERS),--$(word 1,$(subst =, ,$(c))) $(PAPER_DIR)/$(word 2,$(subst =, ,$(c))).ini) \
	  --runs $(OUT)/paper-runs --seed-runs $(OUT)/paper-seeds --seed-count $(SEEDS) $(PAPER_SEEDED_ARGS) \
	  $(PAPER_OVERRIDES) --thresholds $(REPORT_DIR)/thresholds.ini --json $(OUT)/paper-claims.json
	$(BIN) claims --thresholds $(REPORT_DIR)/thresholds.ini --json $(OUT)/claims.json $(OUT)/runs $(SEED_NUMBERS:%=$(OUT)/seeds/s%)

# Where Debian's python3-torch is installed: superpos against the article's PyTorch code, seeds 0-5.
crosscheck: $(BIN)
	@/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "superpos: make crosscheck needs python3-torch: apt-get install -y python3-torch" >&2; exit 1; }
	/usr/bin/python3 tests/reference/crosscheck.py $(BIN) --seeds 0-5

# ---- speed ----------------------------------------------------------------------------------------
# Times training against the article's PyTorch code (when python3-torch is installed), the random-
# number floor, a larger model, the report's robustness runs under make -j2, and the paper's sweeps
# whole on 1 and 2 threads beside the notebook on a GPU (report/anchors/, measured elsewhere). Writes
# $(BENCH)/bench.csv and bench.md; the next `make report` puts the table in its appendix.
# The robustness runs as make report trains them: here on two cores, or with CLUSTER=slurm as Slurm
# jobs, JOBS (default: this machine's cores) in flight, which times the cluster's throughput.
BENCH_JOBS := $(if $(filter slurm,$(CLUSTER)),$(or $(JOBS),$(NPROC)),2)
BENCH_HOW := make -j$(BENCH_JOBS)$(if $(filter slurm,$(CLUSTER)), CLUSTER=slurm)
bench: $(BIN) $(HASHES)/trainer.hash
	@rm -rf $(BENCH)/seeds
	@mkdir -p $(BENCH)
	@echo "superpos bench: training the $(words $(BENCH_SEED_RUNS)) robustness runs with $(BENCH_HOW)"
	@started=$$(date +%s%N); \
	  $(MAKE) --no-print-directory -j$(BENCH_JOBS) bench-seed-runs >/dev/null || exit 1; \
	  finished=$$(date +%s%N); \
	  echo $$(( (finished - started) / 1000000 )) > $(BENCH)/seed-runs-ms.txt
	@rm -rf $(BENCH)/seeds
	$(BIN) bench $(CONFIG_FILES:%=--config %) --repeats 9 --scaling \
	  $(PAPER_CONFIGS:%=--paper-sweep %) --anchors $(REPORT_DIR)/anchors/notebook_sweeps_h200.jsonl \
	  --torch tests/reference/torch_reference.py --out $(BENCH) \
	  --seed-runs $(words $(BENCH_SEED_RUNS)) --seed-runs-seconds $$(awk '{print $$1 / 1000}' $(BENCH)/seed-runs-ms.txt) \
	  --seed-runs-how '$(BENCH_HOW)'

bench-seed-runs: $(BENCH_SEED_RUNS)

clean:
	rm -rf $(BUILD)
