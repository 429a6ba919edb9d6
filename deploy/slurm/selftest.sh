#!/usr/bin/env bash
# Runs deploy/slurm/sweep.sbatch on a single-node Slurm started on this machine and checks that the
# merged shards equal one process training the same grid, record for record.
#
# Needs root: installs Debian's slurm-wlm and munge if absent, then starts its own munged (as user
# munge, own key and socket), slurmctld and slurmd (as root, controller and compute daemon on
# localhost, non-default ports, config and state in a temporary folder). It stops exactly the
# daemons it started. Exits non-zero on any difference or failure.
#
# Environment: SELFTEST_JOB_DEADLINE (seconds to wait for the array job, default 900),
# SELFTEST_KEEP=1 keeps the temporary folder (it is always kept on failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
started_at=$(date +%s)
job_deadline=${SELFTEST_JOB_DEADLINE:-900}
shards=4
# The tiny grid: 3 models x 2 seeds on smoke-sized data. One thread on both sides: a run's numbers
# depend on its thread count, and each array task gets one CPU.
grid=(--model all --seeds 1-2 --dataset mnist --epochs 1 --train-limit 300 --test-limit 100)

say() { echo "selftest: $*"; }
fail() { echo "selftest: FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  echo "selftest: needs root (it installs slurm-wlm and munge and starts slurmctld and slurmd as root)" >&2
  exit 2
fi

# Polls a command until it succeeds, at most $1 seconds.
wait_for() {
  local seconds=$1; shift
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 1
  done
}

# A TCP port nobody listens on, searching upwards from $1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

echo "== packages"
missing=()
for tool in slurmctld slurmd sbatch squeue scontrol munged munge; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing slurm-wlm and munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt may hold the dpkg lock: wait for it, but not forever.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq slurm-wlm munge
fi
getent passwd munge >/dev/null || fail "user munge does not exist (the munge package creates it)"
say "$(slurmctld -V), $(munged -V 2>&1 | awk "{print \$1; exit}")"

echo "== build and data"
dotnet build tools/Workbook -nologo -v quiet -clp:ErrorsOnly
workbook=(dotnet "$repo/tools/Workbook/bin/Debug/net10.0/Workbook.dll")
"${workbook[@]}" data fetch --dataset mnist

work=$(mktemp -d /tmp/slurm-selftest.XXXXXX)
chmod 755 "$work" # munged runs as user munge and must reach its own subfolder
munged_pid='' slurmctld_pid='' slurmd_pid='' job=''
export SLURM_CONF=$work/slurm.conf

cleanup() {
  local rc=$?
  set +e
  if [ -n "$slurmctld_pid" ]; then
    [ -n "$job" ] && [ $rc != 0 ] && timeout 20 scancel "$job" 2>/dev/null
    timeout 20 scontrol shutdown >/dev/null 2>&1
    for _ in $(seq 30); do alive "$slurmctld_pid" || alive "$slurmd_pid" || break; sleep 1; done
    for pid in "$slurmctld_pid" "$slurmd_pid"; do
      if alive "$pid"; then echo "selftest: pid $pid did not stop after scontrol shutdown; killing it" >&2; kill "$pid"; fi
    done
  fi
  if alive "$munged_pid"; then
    kill "$munged_pid"
    for _ in $(seq 10); do alive "$munged_pid" || break; sleep 1; done
  fi
  if [ $rc = 0 ] && [ "${SELFTEST_KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  else
    echo "selftest: kept $work (logs: slurmctld.log, slurmd.log, munge/munged.log, logs/)" >&2
  fi
  exit $rc
}
trap cleanup EXIT

echo "== munge (own key and socket in $work/munge)"
mkdir -p "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chown -R munge:munge "$work/munge"
chmod 755 "$work/munge" # munged wants its socket folder reachable by all; the key stays 0400
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
runuser -u munge -- munged --socket="$socket" --key-file="$work/munge/munge.key" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"
wait_for 20 test -s "$work/munge/munged.pid" || fail "munged wrote no pid file within 20 s"
munged_pid=$(cat "$work/munge/munged.pid")
wait_for 20 sh -c "munge -n -S '$socket' | unmunge -S '$socket'" || fail "munged does not answer on $socket within 20 s"
say "munged pid $munged_pid"

echo "== slurm (controller and compute daemon on localhost)"
node=$(hostname -s)
ctld_port=$(free_port 26817)
slurmd_port=$(free_port $((ctld_port + 1)))
mkdir -p "$work/state" "$work/spool" "$work/logs" "$work/shards"
cat > "$SLURM_CONF" <<CONF
ClusterName=selftest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=selftest Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -f "$SLURM_CONF"
wait_for 30 test -s "$work/slurmctld.pid" || { tail -20 "$work/slurmctld.log" >&2; fail "slurmctld wrote no pid file within 30 s"; }
slurmctld_pid=$(cat "$work/slurmctld.pid")
slurmd -f "$SLURM_CONF" -N "$node"
wait_for 30 test -s "$work/slurmd.pid" || { tail -20 "$work/slurmd.log" >&2; fail "slurmd wrote no pid file within 30 s"; }
slurmd_pid=$(cat "$work/slurmd.pid")
node_idle() { [ "$(sinfo -h -n "$node" -o %T)" = idle ]; }
wait_for 60 node_idle || { tail -20 "$work/slurmctld.log" "$work/slurmd.log" >&2; fail "node $node not idle within 60 s: $(sinfo -h -o '%T %E' 2>&1)"; }
say "slurmctld pid $slurmctld_pid (port $ctld_port), slurmd pid $slurmd_pid (port $slurmd_port), node $node idle with $(nproc) CPUs"

echo "== submit a $shards-task array: ${grid[*]}"
job=$(timeout 60 sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task=1 --chdir="$repo" \
  --output="$work/logs/%A_%a.out" --export=ALL,SWEEP_RESULTS="$work/shards" deploy/slurm/sweep.sbatch "${grid[@]}")
say "array job $job"

echo "== reference: one process trains the same grid (--threads 1)"
"${workbook[@]}" train "${grid[@]}" --threads 1 --results "$work/reference" > "$work/logs/reference.out" \
  || { cat "$work/logs/reference.out" >&2; fail "the single-process reference run failed"; }
grep -E '^(training|found)' "$work/logs/reference.out" || true

echo "== wait for the array job (deadline ${job_deadline} s)"
job_running() { [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; }
job_done() { ! job_running; }
wait_for "$job_deadline" job_done || { tail -n 20 "$work"/logs/*.out >&2; fail "array job $job still running after ${job_deadline} s"; }
states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c || true)
say "task states: $(echo $states)"
for log in "$work"/logs/"${job}"_*.out; do
  echo "--- $(basename "$log")"
  grep -E '^(shard|training|found)' "$log" || true
done
completed=$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED' || true)
[ "$completed" = "$shards" ] || { tail -n 30 "$work"/logs/*.out >&2; fail "$completed of $shards array tasks completed"; }

echo "== merge the shards and compare with the reference"
"${workbook[@]}" train "${grid[@]}" --threads 1 --list-runs > "$work/grid.txt"  # the thread count is part of each run's name
"${workbook[@]}" results merge "$work"/shards/shard-* --into "$work/merged"
"${workbook[@]}" results check --grid "$work/grid.txt" --results "$work/merged" || fail "the merged store lacks runs of the grid"
"${workbook[@]}" results diff "$work/reference" "$work/merged" || fail "the merged shards differ from the single-process run"

echo "== a shard with a changed number is refused"
cp -r "$work/shards/shard-0" "$work/tampered"
tampered=$(ls "$work"/tampered/*.json | head -1)
sed -i '0,/"testLoss": [0-9.e+-]*/s//"testLoss": 12.5/' "$tampered"
if "${workbook[@]}" results merge "$work/tampered" --into "$work/merged" 2> "$work/logs/tampered.err"; then
  fail "merging a changed record was not refused"
fi
grep -q "$(basename "$tampered").*history\[0\]\.testLoss" "$work/logs/tampered.err" \
  || { cat "$work/logs/tampered.err" >&2; fail "the refusal does not name the file and field"; }
say "refused: $(cat "$work/logs/tampered.err")"

say "PASS: $shards shards merged equal one process, record for record ($(($(date +%s) - started_at)) s)"
