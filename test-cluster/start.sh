#!/usr/bin/env bash
# start.sh DIR — start the test control plane built by build.sh, state and logs in DIR.
#
#   etcd, kube-apiserver 1.20.2, kube-controller-manager and apiextensions-apiserver 1.36, all on
#   127.0.0.1 and random free ports. RBAC (plus the Node authorizer), client certificates and
#   service-account tokens (TokenRequest works). The controller-manager runs every controller
#   but node lifecycle (no kubelets here: it would taint and evict every Node after 40 s), so the
#   garbage collector and the DaemonSet controller act on what the tests create; with no
#   scheduler and no kubelet, Pods stay Pending. The apiextensions-apiserver serves the CRDs
#   (create them with crds.sh) behind kube-apiserver's aggregator, so CEL rules are enforced.
#
# The `kubernetes` Service's endpoint is 10.200.0.1 (--advertise-address): the node IP inside
# the node's network namespace, where node-start.sh forwards it to this API server. Without a
# node nothing uses it. STORAGEPROBE_TEST_NODE=1 starts the node too (node-start.sh DIR).
#
# Writes DIR/admin.kubeconfig (system:masters) and DIR/env; prints `export KUBECONFIG=...`.
# If anything fails to come up, what was started is stopped again. Stop with stop.sh DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DIR=${1:?usage: start.sh DIR}
. "$here/versions.env"
. "$here/cache-dir.sh"
[ -e "$OUT/.complete" ] || { echo "start.sh: no control plane in $OUT: run test-cluster/build.sh first" >&2; exit 1; }
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
for name in etcd kube-apiserver kube-controller-manager apiextensions-apiserver; do
  if [ -e "$DIR/$name.pid" ]; then echo "start.sh: $DIR/$name.pid exists: stop.sh $DIR first" >&2; exit 1; fi
done
log() { printf '[test-cluster/start.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
started=0
trap '[ $started = 1 ] || "$here/stop.sh" "$DIR" >&2' EXIT

# Ports are picked here and bound by the servers a moment later: they are checked free, not
# reserved, so each is asked of the kernel separately and must differ from the others.
ports=()
free_port() {
  local p
  while :; do
    p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    [[ " ${ports[*]} " == *" $p "* ]] || { ports+=("$p"); echo "$p"; return; }
  done
}
API_PORT=$(free_port); ports+=("$API_PORT")
ETCD_PORT=$(free_port); ports+=("$ETCD_PORT")
ETCD_PEER_PORT=$(free_port); ports+=("$ETCD_PEER_PORT")
APIEXT_PORT=$(free_port); ports+=("$APIEXT_PORT")

# ------------------------------------------------------------ PKI: one CA signs everything
PKI=$DIR/pki
mkdir -p "$PKI"
(
  cd "$PKI"
  umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj /CN=storageprobe-test-ca 2>/dev/null
  server_ext() { printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$1"; }
  # Pods (node-start.sh) reach it as the `kubernetes` Service's 10.0.0.1 and through the node IP.
  server_ext IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc,IP:10.0.0.1,IP:10.200.0.1 > server.ext
  # kube-apiserver's aggregator dials the APIService's Service name (an ExternalName to localhost).
  server_ext IP:127.0.0.1,DNS:localhost,DNS:apiextensions-apiserver.kube-system.svc > apiext.ext
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > client.ext
  cert() {  # name subject extfile
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile "$3" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr"
  }
  cert apiserver /CN=kube-apiserver server.ext
  cert apiext /CN=apiextensions-apiserver apiext.ext
  cert admin /O=system:masters/CN=admin client.ext
  cert controller-manager /CN=system:kube-controller-manager client.ext
  cert front-proxy-client /CN=front-proxy-client client.ext
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
)

kubeconfig() {  # file server cert key
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test-cluster
  cluster: {server: "$2", certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")}
users:
- name: user
  user: {client-certificate-data: $(base64 -w0 < "$3"), client-key-data: $(base64 -w0 < "$4")}
contexts:
- name: test-cluster
  context: {cluster: test-cluster, user: user}
current-context: test-cluster
KC
  chmod 600 "$1"
}
SERVER=https://127.0.0.1:$API_PORT
kubeconfig "$DIR/admin.kubeconfig" "$SERVER" "$PKI/admin.crt" "$PKI/admin.key"
kubeconfig "$DIR/controller-manager.kubeconfig" "$SERVER" "$PKI/controller-manager.crt" "$PKI/controller-manager.key"

launch() {  # name binary args...: own session, pid in DIR/name.pid for stop.sh
  local name=$1; shift
  setsid "$BIN/$name" "$@" > "$DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/$name.pid"
}
wait_ready() {  # name url
  for _ in $(seq 1 300); do
    if curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$2" 2>/dev/null | grep -q ok; then return 0; fi
    kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null || break
    sleep 0.2
  done
  log "$1 did not become ready; last lines of $DIR/$1.log:"; tail -20 "$DIR/$1.log" >&2; exit 1
}

log "etcd on 127.0.0.1:$ETCD_PORT"
launch etcd --name test --data-dir "$DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "test=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 2147483648
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q true && break
  kill -0 "$(cat "$DIR/etcd.pid")" 2>/dev/null || { tail -20 "$DIR/etcd.log" >&2; exit 1; }
  sleep 0.1
done

# Every request, with who made it and the answer: tests judge RBAC and request counts by this.
cat > "$DIR/audit-policy.yaml" <<POLICY
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules: [{level: Metadata}]
POLICY
log "kube-apiserver on $SERVER"
launch kube-apiserver \
  --audit-policy-file="$DIR/audit-policy.yaml" --audit-log-path="$DIR/audit.log" --audit-log-format=json \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=10.200.0.1 --secure-port="$API_PORT" --insecure-port=0 \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
  --authorization-mode=Node,RBAC \
  --service-account-issuer=https://kubernetes.default.svc --api-audiences=https://kubernetes.default.svc \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true --profiling=false \
  --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key"
wait_ready kube-apiserver "$SERVER/readyz"

log "kube-controller-manager (all controllers but nodelifecycle; no listening ports)"
launch kube-controller-manager \
  --kubeconfig="$DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
  --port=0 --secure-port=0 --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --controllers='*,-nodelifecycle'

# The 1.36 CRD server on the same etcd under its own prefix; kube-apiserver authenticates and
# authorizes for it. It cannot watch the 1.36 admission-policy and flow-control APIs 1.20 lacks.
log "apiextensions-apiserver on https://127.0.0.1:$APIEXT_PORT"
launch apiextensions-apiserver \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" --etcd-prefix=/apiextensions \
  --bind-address=127.0.0.1 --secure-port="$APIEXT_PORT" \
  --tls-cert-file="$PKI/apiext.crt" --tls-private-key-file="$PKI/apiext.key" \
  --kubeconfig="$DIR/admin.kubeconfig" \
  --authentication-kubeconfig="$DIR/admin.kubeconfig" --authorization-kubeconfig="$DIR/admin.kubeconfig" \
  --client-ca-file="$PKI/ca.crt" \
  --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
  --enable-priority-and-fairness=false \
  --disable-admission-plugins=ValidatingAdmissionPolicy,MutatingAdmissionPolicy
wait_ready apiextensions-apiserver "https://127.0.0.1:$APIEXT_PORT/readyz"

# The aggregator reaches the CRD server through this Service; crds.sh adds one APIService per group.
"$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" apply -f - > /dev/null <<SVC
apiVersion: v1
kind: Service
metadata: {name: apiextensions-apiserver, namespace: kube-system}
spec:
  type: ExternalName
  externalName: localhost
  ports: [{name: https, port: $APIEXT_PORT, protocol: TCP}]
SVC

cat > "$DIR/env" <<ENV
KUBECONFIG=$DIR/admin.kubeconfig
KUBE_APISERVER_URL=$SERVER
APIEXTENSIONS_APISERVER_URL=https://127.0.0.1:$APIEXT_PORT
ETCD_URL=http://127.0.0.1:$ETCD_PORT
TEST_CLUSTER_BIN=$BIN
ENV
if [ "${STORAGEPROBE_TEST_NODE:-0}" = 1 ]; then
  "$here/node-start.sh" "$DIR"
fi
started=1
log "ready ($("$BIN/kube-apiserver" --version), CRDs by apiextensions-apiserver $APIEXT_VERSION)"
echo "export KUBECONFIG=$DIR/admin.kubeconfig PATH=$BIN:\$PATH"
