#!/usr/bin/env bash
# build.sh — build the test control plane from Debian's archive alone, once per version.
#
#   kube-apiserver, kube-controller-manager v1.20.2  compiled from Debian 12's `kubernetes` source
#                                                    package (the newest full tree Debian has)
#   etcd 3.4, kubectl 1.20.2                         Debian 12 .debs, unpacked (not installed)
#   kubelet, kube-scheduler, kube-proxy v1.20.2      the same tree, for the node (node-start.sh)
#   images/pause.tar, images/busybox.tar             OCI archives for the node's containerd: the pause
#                                                    image from the tree's build/pause (static C),
#                                                    busybox from Debian 12's busybox-static
#   apiextensions-apiserver v1.36.4                  compiled from Debian sid's golang-k8s-* sources,
#                                                    served behind 1.20's aggregator (start.sh) so
#                                                    the CRDs get 1.36 validation: CEL rules included
#
# Every package is pinned (versions.env, sid-packages.txt); a pin the archive no longer has
# fails the build with its name. The binaries land in $CACHE/<hash of the pins>/bin; the
# build trees (about 6 GB at peak) are deleted, also when the build fails. A second run with
# the same pins only prints the bin directory.
#
# Usage: build.sh        prints the bin directory on stdout (logs on stderr)
# Env:   STORAGEPROBE_TEST_CLUSTER_CACHE  (default ~/.cache/storageprobe/test-cluster)
#        DEBIAN_MIRROR                    (default: the Debian mirror of the host's apt sources)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.env"
. "$here/cache-dir.sh"
log() { printf '[test-cluster/build.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [ -e "$OUT/.complete" ]; then echo "$BIN"; exit 0; fi

command -v dpkg-deb >/dev/null && command -v apt-get >/dev/null && command -v python3 >/dev/null \
  || { echo "build.sh: needs Debian's apt-get, dpkg-deb and python3" >&2; exit 1; }
mkdir -p "$ROOT"
WORK=$(mktemp -d "$ROOT/.build-XXXXXX")
# Go's module cache files are read-only: make them writable so the trees can be removed.
cleanup() { chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
# An apt configuration of our own (bookworm with its sources, and sid; the host's mirror, or
# DEBIAN_MIRROR): nothing is installed on or changed in the host's apt.
aptconf=$(python3 "$here/../tools/private_apt.py" "$WORK/apt" bookworm sid --src bookworm --default-release bookworm)
APTOPTS=(-c "$aptconf")

# Downloads NAME=VERSION... into $WORK/debs; a pin the archive lost is named, not guessed around.
download() {
  mkdir -p "$WORK/debs"
  local missing=()
  # One look-up for all (each apt-cache run parses the whole sid index); one by one only to name the missing.
  if ! apt-cache "${APTOPTS[@]}" show "$@" >/dev/null 2>&1; then
    for p in "$@"; do
      apt-cache "${APTOPTS[@]}" show "$p" >/dev/null 2>&1 || missing+=("$p")
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "pinned package version(s) no longer in the archive at $MIRROR:"
    printf '    %s\n' "${missing[@]}" >&2
    log "bump the pin in test-cluster/versions.env, or run test-cluster/repin-sid.sh for sid packages"
    exit 1
  fi
  (cd "$WORK/debs" && apt-get "${APTOPTS[@]}" -qq download "$@") \
    || { log "download of pinned packages failed (listed in the index, missing from the pool?): $*"; exit 1; }
}
unpack_all() {  # ROOT: unpack every downloaded .deb into ROOT, then drop the .debs
  mkdir -p "$1"
  for f in "$WORK"/debs/*.deb; do dpkg-deb -x "$f" "$1"; done
  rm -f "$WORK"/debs/*.deb
}

# ------------------------------------------------------------ Debian 12: Go 1.19, etcd, kubectl
BW=$WORK/bookworm
log "downloading the pinned Debian 12 packages"
download golang-1.19-go="$GOLANG_119" golang-1.19-src="$GOLANG_119" \
  golang-github-modern-go-reflect2-dev="$REFLECT2" etcd-server="$ETCD_SERVER" \
  kubernetes-client="$KUBERNETES_CLIENT" rsync="$RSYNC" libpopt0="$LIBPOPT0" \
  busybox-static="$BUSYBOX_STATIC"
unpack_all "$BW"
mkdir -p "$WORK/bin"
cp "$BW/usr/bin/etcd" "$BW/usr/bin/kubectl" "$WORK/bin/"

# ------------------------------------------------------------ Kubernetes 1.20.2 from source
log "apt-get source kubernetes=$KUBERNETES_SRC"
mkdir -p "$WORK/src"
(cd "$WORK/src" && apt-get "${APTOPTS[@]}" -qq source --download-only "kubernetes=$KUBERNETES_SRC") \
  || { log "pinned source package kubernetes=$KUBERNETES_SRC is not in the archive at $MIRROR"; exit 1; }
SRC=$WORK/gopath/src/k8s.io/kubernetes
mkdir -p "$SRC"
(
  cd "$WORK/src"
  tar xzf kubernetes_*.orig.tar.gz -C "$SRC" --strip-components=1
  tar xJf kubernetes_"$KUBERNETES_SRC".debian.tar.xz
  cd "$SRC"
  while read -r p; do patch -p1 -s < "$WORK/src/debian/patches/$p"; done < "$WORK/src/debian/patches/series"
  rm -f vendor/github.com/modern-go/reflect2/*.go vendor/github.com/modern-go/reflect2/*.s
  cp "$BW"/usr/share/gocode/src/github.com/modern-go/reflect2/*.{go,s} vendor/github.com/modern-go/reflect2/
)
rm -rf "$WORK/src"
GO119=(env GOROOT="$BW/usr/lib/go-1.19" PATH="$BW/usr/lib/go-1.19/bin:$BW/usr/bin:$PATH"
       GOPATH="$WORK/gopath" GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0
       GOCACHE="$WORK/gocache")
# 1.20 generates pkg/generated/openapi at build time; the tarball does not carry it.
log "make gen_openapi"
(cd "$SRC" && "${GO119[@]}" LD_LIBRARY_PATH="$BW/usr/lib/x86_64-linux-gnu" make gen_openapi >/dev/null)
[ -s "$SRC/pkg/generated/openapi/zz_generated.openapi.go" ] || { log "gen_openapi produced nothing"; exit 1; }
# /version is served from client-go's copy of the version variables: stamp both.
LDFLAGS="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
  LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit=$K8S_COMMIT -X $pkg.buildDate=2021-01-13T13:20:00Z"
done
for cmd in $K8S_COMMANDS; do
  log "go build ./cmd/$cmd (Go 1.19, GOPATH mode)"
  s=$SECONDS
  (cd "$SRC" && "${GO119[@]}" go build -trimpath -ldflags "$LDFLAGS" -o "$WORK/bin/$cmd" "./cmd/$cmd")
  log "$cmd built in $((SECONDS - s)) s"
done

# ------------------------------------------------------------ the node's images (no registry)
# The pause container of every Pod sandbox: build/pause's pause.c, static, as the tree's Makefile does.
log "images: pause (build/pause, static) and busybox (busybox-static $BUSYBOX_STATIC)"
pause_c=$(find "$SRC/build/pause" -name pause.c | grep -v windows | head -1)
pause_tag=$(sed -nE 's/^TAG \??= *//p' "$SRC/build/pause/Makefile")
[ -n "$pause_c" ] && [ -n "$pause_tag" ] || { log "no build/pause/pause.c or TAG in the source tree"; exit 1; }
[ "${PAUSE_IMAGE##*:}" = "$pause_tag" ] \
  || { log "versions.env PAUSE_IMAGE=$PAUSE_IMAGE: the tree's build/pause is $pause_tag; make the tag match"; exit 1; }
mkdir -p "$WORK/images" "$WORK/rootfs/pause" "$WORK/rootfs/busybox/bin"
gcc -Os -Wall -Werror -static -DVERSION="v$pause_tag-storageprobe" -o "$WORK/rootfs/pause/pause" "$pause_c"
strip "$WORK/rootfs/pause/pause"
"$here/oci-archive.sh" "$PAUSE_IMAGE" "$WORK/rootfs/pause" "$WORK/images/pause.tar" /pause
cp "$BW/bin/busybox" "$WORK/rootfs/busybox/bin/"
for applet in $("$BW/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$WORK/rootfs/busybox/bin/$applet"
done
"$here/oci-archive.sh" "$BUSYBOX_IMAGE" "$WORK/rootfs/busybox" "$WORK/images/busybox.tar" /bin/sh
chmod -R u+w "$WORK/gopath" "$WORK/gocache"; rm -rf "$WORK/gopath" "$WORK/gocache" "$BW" "$WORK/rootfs"

# ------------------------------------------------------------ apiextensions-apiserver 1.36 from sid
SID=$WORK/sid
log "downloading $(grep -vc '^#' "$here/sid-packages.txt") pinned sid packages"
mapfile -t sid_pins < <(grep -v '^#' "$here/sid-packages.txt")
download "${sid_pins[@]}"
unpack_all "$SID"
go127=$(ls -d "$SID"/usr/lib/go-1.* | head -1)
log "go build k8s.io/apiextensions-apiserver ($("$go127/bin/go" version | cut -d' ' -f3), GOPATH of the sid -dev packages)"
s=$SECONDS
V=k8s.io/component-base/version
minor=${APIEXT_VERSION#v1.}; minor=${minor%%.*}
(cd "$SID/usr/share/gocode/src/k8s.io/apiextensions-apiserver" &&
  env GOROOT="$go127" PATH="$go127/bin:$PATH" GOPATH="$SID/usr/share/gocode" GO111MODULE=off GOFLAGS= \
      GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE="$WORK/gocache" \
      go build -trimpath -o "$WORK/bin/apiextensions-apiserver" \
        -ldflags "-s -w -X $V.gitVersion=$APIEXT_VERSION -X $V.gitMajor=1 -X $V.gitMinor=$minor -X $V.gitTreeState=clean" .)
log "apiextensions-apiserver built in $((SECONDS - s)) s"

# ------------------------------------------------------------ publish atomically
rm -rf "$OUT"; mkdir -p "$OUT"
mv "$WORK/bin" "$BIN"
mv "$WORK/images" "$OUT/images"
"$BIN/kube-apiserver" --version >&2
"$BIN/etcd" --version >&2
touch "$OUT/.complete"
log "done: $BIN ($(du -sh "$OUT" | cut -f1))"
echo "$BIN"
