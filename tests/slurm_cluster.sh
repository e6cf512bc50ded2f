#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the cluster test (tests/cluster.sh), brought up by
# hand: no systemd here. munged, slurmctld and slurmd run as root from a config in DIR, on ports of
# their own, and are stopped by their process ids.
#   tests/slurm_cluster.sh start DIR   writes DIR/slurm.conf and DIR/env (source it: SLURM_CONF), starts
#                                      the daemons and waits until the node is idle
#   tests/slurm_cluster.sh stop DIR    stops them (SIGTERM, then SIGKILL), also any job step left
set -euo pipefail
action=$1 dir=$2

stop() {
  local pidfile pid
  for pidfile in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
  done
  sleep 0.5
  for pidfile in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # An orphaned slurmstepd ignores SIGTERM: those of this cluster (its spool folder) get SIGKILL.
  pkill -9 -f "slurmstepd.*$dir" 2>/dev/null || true
  local stepd
  for stepd in $(pgrep -x slurmstepd 2>/dev/null || true); do
    grep -qF "$dir" "/proc/$stepd/environ" 2>/dev/null && kill -9 "$stepd" 2>/dev/null || true
  done
}

case $action in
start)
  mkdir -p "$dir"/munge "$dir"/state "$dir"/spool "$dir"/log
  chmod 0755 "$dir" "$dir"/munge
  head -c 1024 /dev/urandom > "$dir/munge.key"
  chmod 0400 "$dir/munge.key"
  munged --key-file="$dir/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed" --force
  host=$(hostname -s)
  # Ports of its own, so that it never meets another Slurm on this machine.
  port=$(( 20000 + RANDOM % 20000 ))
  node=$(slurmd -C | head -1)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=superpos-test
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerParameters=batch_sched_delay=0
EnforcePartLimits=ALL
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
$node State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  echo "export SLURM_CONF=$dir/slurm.conf" > "$dir/env"
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -f "$dir/slurm.conf"
  slurmd -f "$dir/slurm.conf"
  for _ in $(seq 1 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -q '^idle'; then exit 0; fi
    sleep 0.1
  done
  echo "slurm_cluster: the node did not come up; see $dir/log" >&2
  stop
  exit 1
  ;;
stop) stop ;;
*) echo "usage: tests/slurm_cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
