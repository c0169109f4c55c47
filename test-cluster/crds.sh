#!/usr/bin/env bash
# crds.sh DIR FILE... — create (or replace) the CustomResourceDefinitions in FILEs in the
# apiextensions-apiserver that start.sh DIR runs, and have kube-apiserver serve their groups
# through its aggregator. FILEs may hold several YAML documents (`helm template --include-crds`
# output); documents that are not CRDs are skipped. Waits until discovery lists each group.
#
# Plain curl, not kubectl: the standalone CRD server answers 404 on /apis and serves no
# /openapi/v2, both of which kubectl 1.20 needs.
set -euo pipefail
DIR=${1:?usage: crds.sh DIR FILE...}; shift
[ $# -gt 0 ] || { echo "usage: crds.sh DIR FILE..." >&2; exit 2; }
. "$DIR/env"
PKI=$DIR/pki
log() { printf '[test-cluster/crds.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
call() { curl -sS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
CRDS=$APIEXTENSIONS_APISERVER_URL/apis/apiextensions.k8s.io/v1/customresourcedefinitions
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk -v out="$work/doc" 'BEGIN { n = 0 } /^---/ { n++; next } { print > (out n ".yaml") }' "$@"
groups=()
for doc in "$work"/doc*.yaml; do
  grep -Eq '^kind: *"?CustomResourceDefinition"? *$' "$doc" || continue
  name=$(awk '/^metadata:/ { m = 1; next } /^[^ #]/ { m = 0 } m && /^  name:/ { gsub(/["'\'' ]/, "", $2); print $2; exit }' "$doc")
  code=$(call -o "$work/out" -w '%{http_code}' -X POST -H 'Content-Type: application/yaml' --data-binary @"$doc" "$CRDS")
  if [ "$code" = 409 ]; then   # replace, on the resourceVersion the server has
    rv=$(call "$CRDS/$name" | json 'd["metadata"]["resourceVersion"]')
    sed "0,/^metadata:/s//metadata:\n  resourceVersion: \"$rv\"/" "$doc" > "$work/put.yaml"
    code=$(call -o "$work/out" -w '%{http_code}' -X PUT -H 'Content-Type: application/yaml' --data-binary @"$work/put.yaml" "$CRDS/$name")
  fi
  case $code in 200|201) ;; *) log "CRD $name refused: HTTP $code"; cat "$work/out" >&2; exit 1 ;; esac
  for _ in $(seq 1 100); do
    call "$CRDS/$name" > "$work/crd.json"
    [ "$(json '[c["status"] for c in d.get("status", {}).get("conditions", []) if c["type"] == "Established"]' < "$work/crd.json")" = "['True']" ] && break
    sleep 0.1
  done
  groups+=($(json '" ".join(v["name"] + "." + d["spec"]["group"] for v in d["spec"]["versions"] if v["served"])' < "$work/crd.json"))
  log "CRD $name established"
done

[ ${#groups[@]} -gt 0 ] || { log "no CustomResourceDefinition in $*"; exit 1; }
APIEXT_PORT=${APIEXTENSIONS_APISERVER_URL##*:}
for gv in $(printf '%s\n' "${groups[@]}" | sort -u); do
  version=${gv%%.*} group=${gv#*.}
  "$TEST_CLUSTER_BIN/kubectl" --kubeconfig "$KUBECONFIG" apply -f - > /dev/null <<APISERVICE
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: $gv}
spec:
  group: $group
  version: $version
  groupPriorityMinimum: 1000
  versionPriority: 100
  caBundle: $(base64 -w0 < "$PKI/ca.crt")
  service: {namespace: kube-system, name: apiextensions-apiserver, port: $APIEXT_PORT}
APISERVICE
  # Available can come before discovery lists the group; clients need the latter.
  for i in $(seq 1 300); do
    if call -f "$KUBE_APISERVER_URL/apis" 2>/dev/null | grep -q "\"$group/$version\"" &&
       call -f -o /dev/null "$KUBE_APISERVER_URL/apis/$group/$version" 2>/dev/null; then break; fi
    [ "$i" = 300 ] && { log "$group/$version not served through kube-apiserver after 30 s"; exit 1; }
    sleep 0.1
  done
  log "$group/$version served through kube-apiserver"
done
