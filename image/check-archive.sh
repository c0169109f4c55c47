#!/usr/bin/env bash
# Proves an archive from image/build.sh loads the two ways the README tells users to load it
# (Debian 12, root; no daemon of the host's is used or touched):
#   1. `ctr -n k8s.io images import` into a containerd started here with its own root, state and
#      socket (CRI plugin off), then `ctr run` of the image's entrypoint: `storageprobe version`
#      must print the chart's appVersion (no network: the container gets an empty net namespace).
#   2. `skopeo copy oci-archive:... docker://...` to a registry (Debian's docker-registry)
#      listening on 127.0.0.1 only, then `skopeo inspect` of the pushed image's entrypoint.
# Both daemons are stopped and their directories removed at exit, also when interrupted.
#
# Usage: image/check-archive.sh [ARCHIVE]   (default image/target/storageprobe.oci.tar)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
archive="${1:-$root/image/target/storageprobe.oci.tar}"
app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/charts/storageprobe/Chart.yaml")"

log() { printf '[image/check-archive.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "$*"; exit 1; }

[[ -f "$archive" ]] || die "no archive at $archive: run image/build.sh first"
(( EUID == 0 )) || die "needs root (containerd)"
"$root/tools/host-tools.sh" containerd=containerd runc=runc skopeo=skopeo docker-registry=docker-registry

d="$(mktemp -d /tmp/storageprobe-check-archive-XXXXXX)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  # containerd's snapshots and the shim's rootfs are mounts under its root: none may stay.
  # (grep finding none must not end the trap under set -e: hence the `|| true`.)
  { findmnt -rn -o TARGET | grep -F "$d/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The image's name inside the archive (skopeo wrote it as org.opencontainers.image.ref.name).
name="$(tar -xOf "$archive" index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])')"
log "archive $archive holds $name"

cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd.sock"
EOF
containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
pids+=($!)
ctr=(ctr --address "$d/containerd.sock" -n k8s.io)
for _ in $(seq 60); do "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.5; done
"${ctr[@]}" version >/dev/null 2>&1 || { tail -20 "$d/containerd.log" >&2; die "containerd did not come up"; }

log "ctr images import"
"${ctr[@]}" images import "$archive" >&2
"${ctr[@]}" images ls -q | grep -qxF "$name" || die "ctr import did not name the image $name: $("${ctr[@]}" images ls -q)"
# No arguments: the image's ENTRYPOINT and CMD (--help) run; then the entrypoint with `version`
# (ctr run's arguments replace both, so the entrypoint is named).
out="$("${ctr[@]}" run --rm "$name" check-archive-help 2>&1)" || die "ctr run $name (ENTRYPOINT, CMD) failed: $out"
[[ "$out" == "Usage: storageprobe "* ]] || die "ctr run $name (ENTRYPOINT, CMD) printed no usage: $out"
out="$("${ctr[@]}" run --rm "$name" check-archive-version /usr/local/bin/storageprobe version 2>&1)" \
  || die "ctr run $name storageprobe version failed: $out"
[[ "$out" == "storageprobe $app_version" ]] || die "ctr run $name version printed '$out', expected 'storageprobe $app_version'"
log "ctr run: $out"

log "skopeo copy to a registry on 127.0.0.1"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$d/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $d/registry
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$d/registry.yml" >"$d/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || { tail -20 "$d/registry.log" >&2; die "the registry did not come up"; }
dest="127.0.0.1:$port/storageprobe:$app_version"
skopeo copy --quiet --dest-tls-verify=false "oci-archive:$archive" "docker://$dest" >&2
entrypoint="$(skopeo inspect --tls-verify=false --config "docker://$dest" \
  | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["config"]["Entrypoint"]))')"
[[ "$entrypoint" == /usr/local/bin/storageprobe ]] || die "pushed image's entrypoint is '$entrypoint'"
log "pushed to $dest, entrypoint $entrypoint"
log "ok"
