#!/usr/bin/env bash
# stop.sh DIR — stop what start.sh DIR started, by the pids it recorded (nothing else), also
# after a half-failed start, and the node if node-start.sh DIR started one. Nothing is mounted
# by start.sh; DIR itself is left for the caller.
set -uo pipefail
DIR=${1:?usage: stop.sh DIR}
rc=0
# The node first (node-start.sh): its daemons talk to what is stopped below.
"$(dirname "$0")/node-stop.sh" "$DIR" || rc=1
for name in kube-controller-manager apiextensions-apiserver kube-apiserver etcd; do
  f=$DIR/$name.pid
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  # Pids are reused: signal only if it is still the binary start.sh launched.
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' < "/proc/$pid/cmdline" | head -1 | grep -q "/$name\$"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      # apiextensions-apiserver 1.36 waits out its watches for longer than a test wants.
      kill -KILL "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && { echo "stop.sh: $name ($pid) survived SIGKILL" >&2; rc=1; }
    fi
  fi
  rm -f "$f"
done
exit $rc
