#!/usr/bin/env bash
# Builds the StorageProbe image without any container registry (Debian 12, root).
#
# Not part of `mvn verify` or the main CI path: the first run makes a Debian base image
# with debootstrap (about 2.5 minutes, ~480 MB) and needs a Docker daemon; together that
# costs more than a CI step should. Run it by hand or in a separate CI job:
#
#   mvn -B -DskipTests package             # the jars (see AGENT_JAR / OPERATOR_JAR below)
#   image/build-local.sh                   # -> image storageprobe:dev
#
# Environment:
#   IMAGE         tag to build                       [storageprobe:dev]
#   BASE_IMAGE    local base image to make and use   [storageprobe-base:trixie-jre25]
#   AGENT_JAR     agent jar                          [probe-agent/target/storageprobe.jar]
#   OPERATOR_JAR  operator jar                       [operator/target/storageprobe-operator.jar]
#   DEBIAN_MIRROR debootstrap mirror                 [the host's deb.debian.org-style source]
#   SMOKE_AGENT   0 skips running the agent CLI in the image and its AOT training
#                 (stand-in jars)                    [1]
#
# Steps: install docker.io/debootstrap if absent; start dockerd (vfs, no iptables, no bridge)
# if none answers, and stop it again at the end; make the base once (debootstrap minbase +
# trixie's openjdk-25-jre-headless, `docker import`); build the repo's Dockerfile on it with
# --network none from a minimal context; smoke-test the image.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
IMAGE="${IMAGE:-storageprobe:dev}"
BASE_IMAGE="${BASE_IMAGE:-storageprobe-base:trixie-jre25}"
AGENT_JAR="${AGENT_JAR:-$root/probe-agent/target/storageprobe.jar}"
OPERATOR_JAR="${OPERATOR_JAR:-$root/operator/target/storageprobe-operator.jar}"

log() { echo "build-local: $*" >&2; }

for jar in "$AGENT_JAR" "$OPERATOR_JAR"; do
  [[ -f "$jar" ]] || { log "missing $jar: run 'mvn -B -DskipTests package' first (or set AGENT_JAR/OPERATOR_JAR)"; exit 1; }
done

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if (( ${#need[@]} )); then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

started_dockerd=""
stop_dockerd() {
  if [[ -n "$started_dockerd" ]]; then
    log "stopping the dockerd this script started (pid $started_dockerd)"
    kill "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
}
work="$(mktemp -d)"
trap 'stop_dockerd; rm -rf "$work"' EXIT

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (vfs storage, no iptables, no bridge)"
  dockerd --storage-driver=vfs --iptables=false --bridge=none >"$work/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up:"; tail -20 "$work/dockerd.log" >&2; exit 1; }
fi

mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  # The first main Debian archive the host uses (deb822 or one-line format).
  local m
  m="$(grep -hoE '(URIs:|^deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources \
        /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 | awk '{print $2}')"
  echo "${m:-http://deb.debian.org/debian}"
}

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "making base $BASE_IMAGE with debootstrap from $(mirror) (a few minutes)"
  # Java 25 for the AOT cache and compact object headers (Debian 12 has 17 only); the class
  # files stay at release 17. Debian 12's debootstrap knows trixie and its keyring signs it.
  debootstrap --variant=minbase --include=openjdk-25-jre-headless trixie "$work/rootfs" "$(mirror)" >&2
  # Smaller base: package caches are of no use in the image.
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$work/rootfs"
fi

# Minimal build context, laid out like the repository so the Dockerfile's defaults apply.
ctx="$work/context"
mkdir -p "$ctx/probe-agent/target" "$ctx/operator/target" "$ctx/image"
# Same relative paths as the Dockerfile's AGENT_JAR/OPERATOR_JAR defaults.
cp "$root/Dockerfile" "$ctx/"
cp "$root/image/storageprobe" "$ctx/image/"
cp "$AGENT_JAR" "$ctx/probe-agent/target/storageprobe.jar"
cp "$OPERATOR_JAR" "$ctx/operator/target/storageprobe-operator.jar"

log "building $IMAGE on $BASE_IMAGE (no network)"
docker build --network none --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg AOT_CACHE="${SMOKE_AGENT:-1}" \
  -t "$IMAGE" "$ctx" >&2

log "smoke test"
docker run --rm --network none --entrypoint java "$IMAGE" -version >&2
files='test -f /opt/storageprobe/storageprobe.jar && test -f /opt/storageprobe/operator.jar && test -x /usr/local/bin/storageprobe'
[[ "${SMOKE_AGENT:-1}" == 1 ]] && files+=' && test -s /opt/storageprobe/storageprobe.aot'
docker run --rm --network none --entrypoint sh "$IMAGE" -c "$files"
if [[ "${SMOKE_AGENT:-1}" == 1 ]]; then
  # The agent CLI through the entrypoint: probe a file inside the image (no privileges needed).
  # Exit 0 (compatible) or 1 (a rule failed) both prove it ran; 2 and 3 do not.
  # -XX:AOTMode=on (inherited by the probe child) makes a JVM exit when it cannot use the AOT
  # cache: so the CLI and its child both start from it.
  docker run --rm --network none "$IMAGE" version >&2
  rc=0
  docker run --rm --network none -e JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$IMAGE" \
    check --file /opt/storageprobe/storageprobe.jar >&2 || rc=$?
  (( rc <= 1 )) || { log "storageprobe check exited $rc"; exit 1; }
fi
log "built $IMAGE"
echo "$IMAGE"
