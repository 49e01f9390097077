#!/usr/bin/env bash
# Stops the Slurm started by scripts/slurm/start.sh DIR (its daemons only, by their pid files)
# and removes DIR. Safe to call twice or after a failed start.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
[ -d "$dir" ] || exit 0
# Cancel what is still queued or running, so no job outlives the cluster.
if [ -f "$dir/slurm.conf" ]; then SLURM_CONF="$dir/slurm.conf" timeout 5 scancel --user=root >/dev/null 2>&1 || true; fi
stop() { # pidfile
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
stop "$dir/slurmd.pid"
stop "$dir/slurmctld.pid"
stop "$dir/munge/munged.pid"
rm -rf "$dir"
