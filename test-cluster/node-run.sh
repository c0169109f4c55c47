#!/usr/bin/env bash
# node-run.sh NODE_ENV — run by node-start.sh inside the node's network namespace and its own
# (slave) mount namespace: containerd, then kubelet and kube-proxy; stays as their parent until
# node-stop.sh kills the node's cgroup. Every mount made here, by containerd, runc or kubelet,
# lives in this mount namespace only and goes away with its last process.
set -euo pipefail
. "${1:?usage: node-run.sh NODE_ENV}"
log() { printf '[test-cluster/node-run.sh %(%H:%M:%S)T] %s\n' -1 "$*"; }
trap 'touch "$ND/node-run.failed"' ERR

# In a chroot / is no mount point, and runc cannot make it a slave: go on in a recursive bind of /
# (a slave of it, in this namespace; the chroot's own cleanup unmounts it should it propagate).
if ! mount --make-rslave / 2> /dev/null; then
  log "/ is not a mount point (a chroot): the node runs in a recursive bind of it"
  # On a private mount of its own first, so that the bind of / never propagates out of this
  # namespace (where / is shared, a mount on a shared parent would).
  mkdir -p "$ND/root"
  mount --bind "$ND/root" "$ND/root"
  mount --make-private "$ND/root"
  mount --rbind / "$ND/root"
  mount --make-rslave "$ND/root"
  exec chroot "$ND/root" "$0" "$@"
fi

# The paths containerd 1.6, runc and the CNI plugins use whatever the configuration says: shim
# sockets (/run/containerd/s), Pod network namespaces (/run/netns), the CNI result cache,
# kubelet 1.20's fixed pod-log directories (/var/log/pods, /var/log/containers) and its
# /var/lib/kubelet. Private here (DIR/node/log and DIR/node/kubelet seen from the host).
mkdir -p /run/containerd /var/lib/cni /run/netns /var/lib/kubelet
for d in /run/containerd /var/lib/cni /run/netns; do mount -t tmpfs -o mode=0755,size=64m tmpfs "$d"; done
mount --bind "$ND/log" /var/log
# kubelet 1.20 keeps its device-plugin socket in /var/lib/kubelet whatever its --root-dir; and Pods
# that look at the host's /var/lib/kubelet (the agent's --volumes) find kubelet's real directory.
mount --bind "$ND/kubelet" /var/lib/kubelet
# Shared, as on a node whose / is shared (systemd's default): kubelet's volume mounts under it
# reach containers that mount it with HostToContainer propagation (the agent's kubelet root),
# which runc refuses on a private mount. Its peers are in this namespace only: nothing reaches the host.
mount --make-rshared /var/lib/kubelet

# kubelet sets these kernel-wide tunables at start (vm.overcommit_memory=1, kernel.panic_on_oops=1 ...)
# and fails if it cannot. The machine is shared: where the host's value differs, kubelet sees
# the value it wants from a read-only file over it, here only, and the host keeps its own.
mkdir -p "$ND/sysctl"
while read -r key want; do
  f=/proc/sys/$key
  [ "$(cat "$f")" = "$want" ] && continue
  copy=$ND/sysctl/${key//\//.}
  echo "$want" > "$copy"
  mount --bind "$copy" "$f"
  mount -o remount,bind,ro "$f"
done <<TUNABLES
vm/overcommit_memory 1
vm/panic_on_oom 0
kernel/panic 10
kernel/panic_on_oops 1
kernel/keys/root_maxkeys 1000000
kernel/keys/root_maxbytes 25000000
TUNABLES

CTR=(ctr --address "$ND/containerd.sock" -n k8s.io)
log "containerd $(containerd --version | cut -d' ' -f3)"
containerd --config "$ND/containerd.toml" > "$ND/containerd.log" 2>&1 &
echo $! > "$ND/containerd.pid"
for _ in $(seq 1 200); do "${CTR[@]}" version > /dev/null 2>&1 && break; sleep 0.1; done
for image in "$IMAGES"/*.tar; do
  "${CTR[@]}" images import "$image" > /dev/null
done
log "images: $("${CTR[@]}" images ls -q | tr '\n' ' ')"

log "kubelet"
"$BIN/kubelet" --config="$ND/kubelet.yaml" --kubeconfig="$ND/kubelet.kubeconfig" \
  --container-runtime=remote --container-runtime-endpoint="unix://$ND/containerd.sock" \
  --root-dir=/var/lib/kubelet --cert-dir=/var/lib/kubelet/pki \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --v=2 > "$ND/kubelet.log" 2>&1 &
echo $! > "$ND/kubelet.pid"
log "kube-proxy"
"$BIN/kube-proxy" --config="$ND/kube-proxy.yaml" --v=2 > "$ND/kube-proxy.log" 2>&1 &
echo $! > "$ND/kube-proxy.pid"

trap - ERR
wait -n || true
log "a daemon of the node exited; the node is broken"
touch "$ND/node-run.failed"
wait
