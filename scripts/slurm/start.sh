#!/usr/bin/env bash
# Starts a single-node Slurm (munged + slurmctld + slurmd) whose configuration, state, spool,
# sockets and logs all live in one folder; nothing outside it is written. For the tests and for
# trying `awd sweep slurm` on one machine. Needs root and Debian's slurm-wlm and munge:
#   apt-get install -y slurm-wlm munge
# Usage: scripts/slurm/start.sh DIR      (DIR is created; prints `export SLURM_CONF=DIR/slurm.conf`)
# Stop with scripts/slurm/stop.sh DIR.
set -euo pipefail
dir=${1:?usage: start.sh DIR}
for tool in munged slurmctld slurmd sbatch scontrol; do
  command -v "$tool" >/dev/null 2>&1 || { echo "start.sh: $tool is missing; install it with: apt-get install -y slurm-wlm munge" >&2; exit 3; }
done
[ "$(id -u)" = 0 ] || { echo "start.sh: must run as root (slurmd starts the jobs)" >&2; exit 3; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir"
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"

# munge: a fresh key and a private socket.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"

# Free ports for the two daemons (a second cluster on the machine must not collide).
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import socket
ports = []
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); ports.append(s.getsockname()[1]); socks.append(s)
print(*ports)
PY
)

# The node as slurmd sees it (CPUs, sockets, cores, memory).
hw=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //' -e 's/ *$//')
host=$(hostname -s)
cat > "$dir/slurm.conf" <<CONF
ClusterName=awdtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
KillWait=2
MinJobAge=300
InactiveLimit=0
PlugStackConfig=$dir/plugstack.conf
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
: > "$dir/plugstack.conf"
cp "$dir/slurm.conf" "$dir/slurm.conf.orig"

export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost

# Wait (up to 30 s) for the node to be ready.
for _ in $(seq 1 60); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
  case "$state" in idle*|mix*|alloc*) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
  sleep 0.5
done
echo "start.sh: the node did not become ready (state '${state:-none}'); logs in $dir/log" >&2
exit 1
