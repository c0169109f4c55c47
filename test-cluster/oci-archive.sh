#!/usr/bin/env bash
# oci-archive.sh NAME ROOTFS OUT.tar ENTRYPOINT... — pack a directory as a one-layer OCI image
# archive that `ctr -n k8s.io images import` loads under NAME (no registry, no daemon).
#
# The layer is a reproducible tar (sorted, mtime 0, owned by root), so the same tree gives the
# same image digest on every build. The index names the image with the annotation containerd's
# importer reads (io.containerd.image.name).
set -euo pipefail
NAME=${1:?usage: oci-archive.sh NAME ROOTFS OUT.tar ENTRYPOINT...}
ROOTFS=${2:?rootfs}
OUTFILE=${3:?out}
shift 3
[ $# -gt 0 ] || { echo "oci-archive.sh: an entrypoint is needed" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/blobs/sha256"
blob() {  # file: moves it into blobs by digest, prints the digest and size
  local d s
  d=$(sha256sum "$1" | cut -d' ' -f1)
  s=$(stat -c %s "$1")
  mv "$1" "$WORK/blobs/sha256/$d"
  echo "$d $s"
}
tar -C "$ROOTFS" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$WORK/layer" .
read -r layer layer_size < <(blob "$WORK/layer")
entry=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":%s,"Env":["PATH=/bin"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$entry" "$layer" > "$WORK/config"
read -r config config_size < <(blob "$WORK/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$WORK/manifest"
read -r manifest manifest_size < <(blob "$WORK/manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$NAME" "${NAME##*:}" > "$WORK/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$WORK/oci-layout"
tar -C "$WORK" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$OUTFILE" oci-layout index.json blobs
