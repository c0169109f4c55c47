#!/usr/bin/env bash
# node-stop.sh DIR — stop the node node-start.sh DIR started, also a half-started one, and leave
# nothing of it on the machine: every process in its cgroup (daemons, shims, containers) is
# killed, which ends its mount namespace and with it every mount it made; its cgroups are
# removed, its network namespace deleted (its iptables rules, bridge and veths with it).
# Removes DIR/node. Safe to run twice; does nothing when there is no node.
set -uo pipefail
DIR=${1:?usage: node-stop.sh DIR}
ND=$DIR/node
[ -d "$ND" ] || exit 0
rc=0
CG=$(cat "$ND/cgroup" 2>/dev/null || true)
NS=$(cat "$ND/netns" 2>/dev/null || true)

# Everything the node ran is in its cgroup: the pids hierarchy sees each process once, however
# deep (kubepods/...). Kill until it stays empty: a process may fork while it is being killed.
if [[ $CG == storageprobe-node-* ]] && [ -d "/sys/fs/cgroup/pids/$CG" ]; then
  for i in $(seq 1 100); do
    pids=$(find "/sys/fs/cgroup/pids/$CG" -name cgroup.procs -exec cat {} + 2>/dev/null)
    [ -n "$pids" ] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    sleep 0.1
  done
  [ -z "${pids:-}" ] || { echo "node-stop.sh: processes of $CG would not die: $pids" >&2; rc=1; }
fi
if [[ $CG == storageprobe-node-* ]]; then
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$CG" ] || continue
    # Deepest first; an exited process leaves its cgroup a moment later.
    for _ in $(seq 1 50); do
      find "$h$CG" -depth -type d -exec rmdir {} + 2>/dev/null
      [ -d "$h$CG" ] || break
      sleep 0.1
    done
    [ ! -d "$h$CG" ] || { echo "node-stop.sh: cannot remove cgroup $h$CG" >&2; rc=1; }
  done
fi
if [[ $NS == spnode-* ]] && [ -e "/run/netns/$NS" ]; then
  ip netns del "$NS" || rc=1
fi
# What the node's mount namespace had mounted here is gone with it: only files are left.
# The chroot case's empty bind of DIR/node/root may have propagated here (node-run.sh): unmounted
# first, and rm never crosses into another filesystem.
umount -l "$ND/root" 2>/dev/null || true
rm -rf --one-file-system "$ND" || rc=1
exit $rc
