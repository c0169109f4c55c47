#!/usr/bin/env bash
# node-start.sh DIR — one real node for the control plane `start.sh DIR` runs: kube-scheduler,
# and containerd 1.6 + runc (Debian 12), kubelet and kube-proxy 1.20.2 (build.sh) on it.
#
# Nothing of it reaches the machine's network or state:
#   - network: a network namespace of its own (`ip netns`, name in DIR/node/netns) with a
#     loopback, the node IP 10.200.0.1 on it, and the CNI bridge to the Pods (10.244.0.0/24).
#     Nothing in it routes out. kube-apiserver stays on the host's 127.0.0.1; netns-forward.py
#     listens on its port inside the namespace, so the node's daemons use the same URL as the
#     tests, and Pods reach it through the `kubernetes` Service (10.0.0.1:443) by kube-proxy's
#     rules, to the endpoint kube-apiserver advertises (10.200.0.1:PORT).
#   - mounts: the daemons run in a mount namespace of their own (slave: the host's mounts reach
#     it, none of its own leak out), so every Pod's mount goes away with its last process.
#   - cgroups: /storageprobe-node-ID in every v1 hierarchy: the daemons in its `daemons`
#     child, the Pods below it (kubelet --cgroup-root). node-stop.sh kills what is in it.
#   - containerd: its root, state, socket and config under DIR/node; CNI state and the pod logs
#     too. The pause and busybox images are imported from build.sh's OCI archives: no registry.
#
# Waits until the Node is Ready; prints nothing on stdout. On failure, stops what it started.
# Env: NODE_NAME (default storageprobe-node)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DIR=$(cd "${1:?usage: node-start.sh DIR}" && pwd)
. "$here/versions.env"
. "$here/cache-dir.sh"
log() { printf '[test-cluster/node-start.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
[ -e "$DIR/env" ] || { echo "node-start.sh: no control plane in $DIR: start.sh $DIR first" >&2; exit 1; }
for t in containerd containerd-shim-runc-v2 runc ctr ip nsenter unshare iptables python3 /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback; do
  case $t in /*) [ -x "$t" ] ;; *) type -P "$t" >/dev/null ;; esac \
    || { echo "node-start.sh: $t is missing (Debian: containerd, runc, containernetworking-plugins, iptables, iproute2)" >&2; exit 1; }
done
[ -x "$BIN/kubelet" ] && [ -e "$OUT/images/pause.tar" ] \
  || { echo "node-start.sh: no kubelet or pause image in $OUT: run test-cluster/build.sh" >&2; exit 1; }
ND=$DIR/node
[ ! -e "$ND" ] || { echo "node-start.sh: $ND exists: node-stop.sh $DIR first" >&2; exit 1; }
API_PORT=$(sed -n 's#^KUBE_APISERVER_URL=https://127.0.0.1:##p' "$DIR/env")
NODE_NAME=${NODE_NAME:-storageprobe-node}
ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
NS=spnode-$ID
CG=storageprobe-node-$ID
NODE_IP=10.200.0.1
POD_CIDR=10.244.0.0/24

started=0
trap '[ $started = 1 ] || "$here/node-stop.sh" "$DIR" >&2' EXIT
trap 'exit 130' INT TERM HUP
mkdir -p "$ND"
echo "$NS" > "$ND/netns"
echo "$CG" > "$ND/cgroup"
s0=$SECONDS

# ------------------------------------------------------------ credentials (the control plane's CA)
PKI=$DIR/pki
(
  cd "$PKI"
  umask 077
  cert() {  # name subject
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile client.ext -out "$1.crt" 2>/dev/null
    rm -f "$1.csr"
  }
  # The Node authorizer knows a kubelet by this name and group.
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  cert kube-proxy /CN=system:kube-proxy
  cert kube-scheduler /CN=system:kube-scheduler
)
kubeconfig() {  # name
  cat > "$ND/$1.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test-cluster
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$PKI/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$PKI/$1.crt", client-key: "$PKI/$1.key"}
contexts:
- name: test-cluster
  context: {cluster: test-cluster, user: $1}
current-context: test-cluster
KC
}
for c in kubelet kube-proxy kube-scheduler; do kubeconfig "$c"; done

# ------------------------------------------------------------ cgroups
for h in /sys/fs/cgroup/*/; do
  [ -e "$h/cgroup.procs" ] && [ "$h" != /sys/fs/cgroup/unified/ ] || continue
  mkdir -p "$h$CG/daemons"
  if [ -e "$h/cpuset.cpus" ]; then  # a cpuset takes no task before it has cpus and mems
    for f in cpuset.cpus cpuset.mems; do
      cat "$h/$f" > "$h$CG/$f"; cat "$h/$f" > "$h$CG/daemons/$f"
    done
  fi
done
into_cgroup() {  # pid: into DIR's daemons cgroup in every hierarchy
  for h in /sys/fs/cgroup/*/; do
    if [ -d "$h$CG/daemons" ]; then echo "$1" > "$h$CG/daemons/cgroup.procs"; fi
  done
}

# ------------------------------------------------------------ network namespace
ip netns add "$NS"
NETNS=/run/netns/$NS
# nsenter, not `ip -n`: ip makes / a slave mount to switch namespaces, which fails in a chroot.
nsenter --net="$NETNS" ip link set lo up
nsenter --net="$NETNS" ip addr add "$NODE_IP/32" dev lo
nsenter --net="$NETNS" sysctl -qw net.ipv4.ip_forward=1

launch() {  # name command...: own session, in the node's cgroup, pid in DIR/node/name.pid
  local name=$1; shift
  ( into_cgroup "$BASHPID"; exec setsid "$@" > "$ND/$name.log" 2>&1 < /dev/null ) &
  echo $! > "$ND/$name.pid"
}
log "forwarding the API server's port $API_PORT into $NS"
launch netns-forward python3 "$here/netns-forward.py" "$NETNS" "$API_PORT"

log "kube-scheduler"
launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$ND/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$ND/kube-scheduler.kubeconfig" --authorization-kubeconfig="$ND/kube-scheduler.kubeconfig" \
  --leader-elect=false --port=0 --secure-port=0 --bind-address=127.0.0.1

# ------------------------------------------------------------ configuration of the node's daemons
mkdir -p "$ND/cni" "$ND/containerd" "$ND/kubelet" "$ND/log"
cat > "$ND/cni/10-storageprobe.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "storageprobe-test", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$ND/cni-ipam"}}]}
CNI
cat > "$ND/containerd.toml" <<TOML
version = 2
root = "$ND/containerd/root"
state = "$ND/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$ND/containerd.sock"
[ttrpc]
  address = "$ND/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # kubelet asks for oom_score_adj -998 (sandboxes) and -997 (Guaranteed Pods); lowering it needs
  # CAP_SYS_RESOURCE, which this machine's bounding set lacks, and runc then fails to create any
  # Pod ("can't get final child's PID from pipe"). Clamped to containerd's own value (0) instead.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$ND/cni"
TOML
cat > "$ND/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: "$PKI/ca.crt"}}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /$CG
failSwapOn: false
clusterDomain: cluster.local
resolvConf: ""
imageGCHighThresholdPercent: 100
evictionHard: {"memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%"}
YAML
cat > "$ND/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$ND/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
cat > "$ND/node.env" <<ENV
ND=$ND
BIN=$BIN
IMAGES=$OUT/images
NODE_NAME=$NODE_NAME
NODE_IP=$NODE_IP
ENV

# A Node of this name left by an earlier node on this control plane would look Ready already.
"$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" delete node "$NODE_NAME" --ignore-not-found > /dev/null

# ------------------------------------------------------------ the node: in its namespaces
log "node $NODE_NAME: containerd, kubelet, kube-proxy in netns $NS and a mount namespace of their own"
# unshare --propagation and runc both make / a slave mount, which fails where / is not a mount
# point: in a chroot, as a clean-root CI runs the tests (mountpoint(1) cannot tell: / and /.. are
# one there). There node-run.sh first moves into a recursive bind of /, which is one.
if unshare --mount --propagation unchanged mount --make-rslave / 2> /dev/null; then
  launch node nsenter --net="$NETNS" unshare --mount --propagation slave "$here/node-run.sh" "$ND/node.env"
else
  launch node nsenter --net="$NETNS" unshare --mount --propagation unchanged "$here/node-run.sh" "$ND/node.env"
fi

export KUBECONFIG=$DIR/admin.kubeconfig
for _ in $(seq 1 600); do
  ready=$("$BIN/kubectl" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
  [ "$ready" = True ] && break
  pid=$(cat "$ND/node.pid")
  if ! kill -0 "$pid" 2>/dev/null || [ -e "$ND/node-run.failed" ]; then break; fi
  sleep 0.2
done
if [ "${ready:-}" != True ]; then
  log "node $NODE_NAME did not become Ready; last lines of its logs:"
  for f in node containerd kubelet kube-proxy; do
    [ -e "$ND/$f.log" ] && { echo "--- $ND/$f.log" >&2; tail -15 "$ND/$f.log" >&2; }
  done
  exit 1
fi
# The API server taints every new Node not-ready (TaintNodesByCondition); the node lifecycle
# controller that would lift it is off (start.sh: it would evict the tests' kubelet-less Nodes).
"$BIN/kubectl" taint node "$NODE_NAME" node.kubernetes.io/not-ready:NoSchedule- > /dev/null 2>&1 || true
started=1
log "node $NODE_NAME Ready in $((SECONDS - s0)) s"
