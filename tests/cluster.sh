#!/usr/bin/env bash
# make report CLUSTER=slurm on a real single-node Slurm cluster (ctest's `cluster`, run by
# `make test`): brought up here from Debian's packages (tests/slurm_cluster.sh) and torn down at the
# end, also on failure. Checks that
#  - every training run is a Slurm job named after it (a sweep of independent tasks: a job per
#    instance, or per decay and restart), and the runs, tables, figures and claims are
#    byte-identical to a local build of the same inputs at the same path;
#  - a sweep's task that fails fails the build naming its job, and keeps the previous sweep;
#  - a job cancelled mid-run fails the build with one line naming the run, the job and CANCELLED,
#    the previous run is kept, and the next build completes;
#  - a job that fails (a diverging run) fails the build with the trainer's message and the job's;
#  - a job that exits 0 without its run (a failed node), and an OUT the nodes do not share, fail it.
# Needs root (the daemons, and apt for the packages): without it, it says so and is skipped (77).
#   BUILD=DIR   the build tree whose binary to use (default build)
set -euo pipefail
export PAPER_STEPS=${PAPER_STEPS:-200}
unset MAKEFLAGS MFLAGS MAKELEVEL
cd "$(dirname "$0")/.."
source tests/reference_lib.sh
if [ "$(id -u)" != 0 ]; then echo "cluster: skipped: starting Slurm's daemons needs root"; exit 77; fi
for program in slurmctld slurmd srun munged; do
  command -v "$program" >/dev/null || { echo "cluster: skipped: $program is not installed (make test installs it as root)"; exit 77; }
done
suite_setup cluster
case=cluster
CLUSTER_DIR=$WORK/slurm
trap 'bash tests/slurm_cluster.sh stop "$CLUSTER_DIR"; rm -rf "$WORK"' EXIT
bash tests/slurm_cluster.sh start "$CLUSTER_DIR"
source "$CLUSTER_DIR/env"

# A small set of inputs: the article's four configurations, three instances per sweep, one seed.
REPORT=$WORK/report
cp -r report "$REPORT"
find "$REPORT/configs" -name '*_uniform.ini' -delete
sed -i 's/linspace(\([^,]*\), *\([^,]*\), *[0-9]*)/linspace(\1, \2, 3)/' "$REPORT/paper/"*.ini
# Two restarts a cell: the phase grid's tasks (a decay's restart each) are still several jobs.
sed -i 's/^restarts = .*/restarts = 2/' "$REPORT/paper/phase_2x1.ini"
OUT=$WORK/out
targets=("$OUT/report/report.md" "$OUT/paper/paper.md")
build() {  # build [make arguments]: the report's and the chapters' Markdown (the runs, figures, claims)
  rm -f "$WORK/steps" "$WORK/steps.log"
  make --no-print-directory -C "$ROOT" BUILD="$BUILD" REPORT_DIR="$REPORT" OUT="$OUT" SEEDS=1 \
    STEP_COUNTER="$WORK/steps" "$@" "${targets[@]}" > "$WORK/make.log" 2>&1
}
artefacts() { (cd "$1" && find runs seeds figures seed-gallery paper-runs paper-seeds paper report -type f ! -name timing.json | LC_ALL=C sort); }

started=$SECONDS
build || { fail "the local build failed: $(tail -3 "$WORK/make.log")"; exit 1; }
local_seconds=$((SECONDS - started))
mv "$OUT" "$WORK/local"
started=$SECONDS
build CLUSTER=slurm || { fail "the cluster build failed: $(tail -3 "$WORK/make.log")"; exit 1; }
cluster_seconds=$((SECONDS - started))
runs=$(grep -c '^train' "$WORK/steps.log")
# A run is one job, or, for a sweep of independent tasks, a job per task (NAME:i3: an instance of
# its own stream; NAME:d2:r1: an importance decay's restart of a shared one).
names=$(scontrol show job -o | grep -o 'JobName=superpos:[^ ]*' | sed 's/^JobName=superpos://' | grep -vx 'check-shared' || true)
task=':[id][0-9]+(:r[0-9]+)?$'
parts=$(grep -E "$task" <<<"$names" || true)
whole=$(grep -vcE "$task" <<<"$names" || true)
fanned=$(sed -E "s/$task//" <<<"$parts" | LC_ALL=C sort -u | grep -c . || true)
[ $((whole + fanned)) -eq "$runs" ] || fail "$runs runs trained, $whole whole-run jobs and $fanned sweeps of task jobs"
[ "$(grep -cx 'paper:geometry_200x20:i[0-2]' <<<"$parts")" -eq 3 ] ||
  fail "the geometry sweep's 3 instances were not 3 jobs: $(grep geometry <<<"$names" | tr '\n' ' ')"
[ "$(grep -cx 'paper:phase_2x1:d[0-2]:r[01]' <<<"$parts")" -eq 6 ] ||
  fail "the phase grid's 3 decays x 2 restarts were not 6 jobs: $(grep phase <<<"$names" | tr '\n' ' ')"
[ "$(artefacts "$OUT")" = "$(artefacts "$WORK/local")" ] || fail "the cluster build made other files than the local one"
differing=0
while read -r file; do cmp -s "$OUT/$file" "$WORK/local/$file" || { fail "$file differs from the local build"; differing=1; }; done < <(artefacts "$OUT")
echo "cluster: $runs runs as $(grep -c . <<<"$names") Slurm jobs ($(grep -c . <<<"$parts") of them a sweep's tasks);" \
  "$(artefacts "$OUT" | wc -l) files byte-identical to the local build (local ${local_seconds} s, cluster ${cluster_seconds} s)"

# A sweep's task that fails: the build fails naming the task's job, the previous sweep stays whole
# and no part is left behind.
cp "$OUT/paper-runs/phase_2x1/instances.json" "$WORK/before.json"
echo "lr = 1000000" >> "$REPORT/paper/phase_2x1.ini"
if build CLUSTER=slurm; then fail "make exited 0 after a sweep's task failed"; fi
grep -q "superpos: paper:phase_2x1:d[0-9]:r[0-9]: Slurm job [0-9]* ended FAILED" "$WORK/make.log" ||
  fail "no line naming the failed task's job: $(grep superpos: "$WORK/make.log" | tail -2)"
cmp -s "$WORK/before.json" "$OUT/paper-runs/phase_2x1/instances.json" || fail "the previous phase sweep was not kept"
! ls -a "$OUT/paper-runs" | grep -q '\.parts\.' || fail "a failed sweep left its parts: $(ls -a "$OUT/paper-runs")"
sed -i '/^lr = /d' "$REPORT/paper/phase_2x1.ini"

# A job cancelled in the middle: the build fails naming it, the old run stays, the next build completes.
cp "$OUT/runs/relu_09/results.json" "$WORK/before.json"
set_key "$REPORT/configs/relu_09.ini" steps 300000
build CLUSTER=slurm & make_pid=$!
job=
for _ in $(seq 1 300); do
  job=$(squeue -h -n superpos:relu_09 -t RUNNING -o %i | head -1)
  [ -n "$job" ] && break
  sleep 0.1
done
[ -n "$job" ] || fail "the relu_09 job never ran"
sleep 0.5
scancel "$job"
if wait "$make_pid"; then fail "make exited 0 after its job was cancelled"; fi
grep -qF "superpos: relu_09: Slurm job $job ended CANCELLED" "$WORK/make.log" ||
  fail "no line naming the run, the job and CANCELLED: $(grep superpos: "$WORK/make.log" | head -2)"
cmp -s "$WORK/before.json" "$OUT/runs/relu_09/results.json" || fail "the previous run was not kept"
set_key "$REPORT/configs/relu_09.ini" steps 20000
build CLUSTER=slurm || fail "the build after the cancelled job failed: $(tail -3 "$WORK/make.log")"
grep -q '"steps": 20000' "$OUT/runs/relu_09/results.json" || fail "relu_09 was not trained again"

# A job that fails: the trainer's own message, and the job's.
set_key "$REPORT/configs/linear_0.ini" lr 1000000
if build CLUSTER=slurm; then fail "make exited 0 after a failing job"; fi
grep -q "training diverged" "$WORK/make.log" || fail "the trainer's message was not shown"
grep -q "superpos: linear_0: Slurm job [0-9]* ended FAILED" "$WORK/make.log" ||
  fail "no line naming the failed job: $(grep superpos: "$WORK/make.log" | tail -1)"

# A node that fails: srun exits 0 but the job wrote nothing (a stand-in srun that runs no job). The
# build must not take the old outputs for new ones. And a build folder the nodes do not share: the
# token job (here: one that never runs) brings nothing back, and the build stops before any job.
set_key "$REPORT/configs/linear_0.ini" lr 0.001
set_key "$REPORT/configs/linear_0.ini" steps 12000
fake=$WORK/fake-bin
mkdir -p "$fake"
printf '#!/bin/bash\nfor a in "$@"; do [ "$a" = --job-name=superpos:check-shared ] && exec %s "$@"; done\nexit 0\n' \
  "$(command -v srun)" > "$fake/srun"
chmod +x "$fake/srun"
cp "$OUT/runs/linear_0/results.json" "$WORK/before.json"
if PATH="$fake:$PATH" build CLUSTER=slurm; then fail "make exited 0 although no job wrote its run"; fi
grep -q "superpos: linear_0: Slurm job (never started) ended UNKNOWN without a new run" "$WORK/make.log" ||
  fail "no line for a job that exited 0 without its run: $(grep superpos: "$WORK/make.log" | head -1)"
cmp -s "$WORK/before.json" "$OUT/runs/linear_0/results.json" || fail "linear_0's previous run was not kept"
printf '#!/bin/bash\nexit 0\n' > "$fake/srun"
if PATH="$fake:$PATH" build CLUSTER=slurm; then fail "make exited 0 with a build folder the nodes do not share"; fi
grep -q "is not shared with the compute nodes" "$WORK/make.log" || fail "no line saying OUT is not shared: $(head -2 "$WORK/make.log")"
grep -q '^train' "$WORK/steps.log" 2>/dev/null && fail "a job was started before the check"
build CLUSTER=slurm || fail "the build after all that failed: $(tail -3 "$WORK/make.log")"

bash tests/slurm_cluster.sh stop "$CLUSTER_DIR"
left=$(pgrep -a 'slurmctld|slurmd|slurmstepd|munged' | grep -F "$CLUSTER_DIR" || true)
[ -z "$left" ] || fail "daemons left running: $left"
suite_result
