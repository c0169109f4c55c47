#!/usr/bin/env bash
# Builds the StorageProbe image into an OCI archive without any daemon (Debian 12, root).
#
#   mvn -B -DskipTests package        # the jars (see AGENT_JAR / OPERATOR_JAR below)
#   image/build.sh                    # -> image/target/storageprobe.oci.tar (path on stdout)
#
# Then load it into each node's containerd, or push it to a registry:
#   ctr -n k8s.io images import image/target/storageprobe.oci.tar
#   skopeo copy oci-archive:image/target/storageprobe.oci.tar docker://REGISTRY/storageprobe:TAG
#
# The same entrypoint, jars and AOT training as the root Dockerfile (which needs a Docker daemon
# and a registry for its base, eclipse-temurin:25-jre, and so ships a whole JRE and distribution),
# on a smaller base: the files of four Debian trixie packages (C library, libgcc_s, dash,
# base-files) and a Java 25 runtime of only the modules the jars use, made by jlink (Java 25 for
# the AOT cache and compact object headers; class files stay at release 17), the two jars, the
# launcher image/storageprobe, and the AOT cache recorded by one training run of the agent CLI.
# The image has no other programs: no coreutils, util-linux or package manager.
#
# Tools: debootstrap, umoci and skopeo from Debian 12 (installed if absent), unshare and chroot,
# and a JDK 25 for jlink (the host's Temurin 25, else Debian trixie's, see STORAGEPROBE_JDK).
# Steps:
#   1. Base (cached): debootstrap minbase trixie as the packages' source, the packages' files (no
#      docs, locales, gconv) copied into a rootfs, jlink's runtime into /opt/java (`java` on PATH
#      through /usr/local/bin/java), committed as one layer of an OCI layout. Both live in
#      $CACHE/base-<key>, where the key hashes the recipe below; a warm build reuses them and never
#      touches the network.
#   2. Image layer: an overlay of a fresh upper dir on the cached rootfs gets the jars and the
#      launcher; the AOT training runs chrooted in it (private mount, PID and network namespaces:
#      no network, and every mount vanishes with the namespace, also when the build is killed).
#      The upper dir (exactly what the build added) becomes the image's one new layer.
#   3. Smoke test in the same rootfs: java -version, the files, `storageprobe version` and
#      `storageprobe check --file` through the entrypoint with the AOT cache required, and the
#      operator jar (`storageprobe operator delete-probes` with a bad argument: exit 2).
#   4. Config (entrypoint, cmd, PATH, labels) with umoci; the archive with skopeo.
#
# Environment:
#   IMAGE          name the archive carries (ctr import names the image so)
#                  [ghcr.io/storageprobe/storageprobe:<the chart's appVersion>, the chart's default]
#   OUTPUT         archive to write                  [image/target/storageprobe.oci.tar]
#   AGENT_JAR      agent jar                         [probe-agent/target/storageprobe.jar]
#   OPERATOR_JAR   operator jar                      [operator/target/storageprobe-operator.jar]
#   STORAGEPROBE_IMAGE_CACHE  base cache              [~/.cache/storageprobe/image]
#   DEBIAN_MIRROR  debootstrap mirror                [the host's deb.debian.org-style source]
#   SMOKE_AGENT    0 skips the AOT training and running the agent CLI (stand-in jars)  [1]
#   STORAGEPROBE_JDK  JDK 25 whose jlink makes the runtime, or `debian` for trixie's openjdk-25-jdk-headless
#                  [/usr/lib/jvm/temurin-25-jdk-amd64 if it exists, else debian]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/image"
app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/charts/storageprobe/Chart.yaml")"
IMAGE="${IMAGE:-ghcr.io/storageprobe/storageprobe:$app_version}"
OUTPUT="${OUTPUT:-$here/target/storageprobe.oci.tar}"
AGENT_JAR="${AGENT_JAR:-$root/probe-agent/target/storageprobe.jar}"
OPERATOR_JAR="${OPERATOR_JAR:-$root/operator/target/storageprobe-operator.jar}"
CACHE="${STORAGEPROBE_IMAGE_CACHE:-$HOME/.cache/storageprobe/image}"
SMOKE_AGENT="${SMOKE_AGENT:-1}"

log() { printf '[image/build.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "$*"; exit 1; }

(( EUID == 0 )) || die "needs root (debootstrap, chroot and overlay mounts)"
for jar in "$AGENT_JAR" "$OPERATOR_JAR"; do
  [[ -f "$jar" ]] || die "missing $jar: run 'mvn -B -DskipTests package' first (or set AGENT_JAR/OPERATOR_JAR)"
done
[[ "$IMAGE" == */*:* || "$IMAGE" == *:* ]] || die "IMAGE must be NAME:TAG, got '$IMAGE'"

"$root/tools/host-tools.sh" debootstrap=debootstrap umoci=umoci skopeo=skopeo

# The base recipe: any change here makes a new cache key (and so a new base). The base is no
# distribution but the files of the few Debian trixie packages a JVM and the launcher need (the C
# library, libgcc_s for thread unwinding, dash for /bin/sh, base-files), taken from a debootstrap
# minbase, plus a Java runtime of only the modules the two jars use, made by jlink from $JDK.
# The module list is jdeps' (--print-module-deps on both jars, run on the jars without their
# module-info) less java.desktop, java.sql and java.compiler, which only optional code refers to
# (Jackson's java.beans and java.sql support, JNA's AWT helpers, javapoet in JOSDK's annotation
# processor), plus java.naming, which TLS hostname checks may want; the smoke test below runs
# both programs on it.
SUITE=trixie
PACKAGES="base-files libc6 libgcc-s1 dash"
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,jdk.httpserver,jdk.management,jdk.unsupported
JLINK_FLAGS="--strip-debug --no-man-pages --no-header-files"
# The JDK whose jlink makes the runtime (STORAGEPROBE_JDK): the host's Temurin 25 where there is
# one; else, or with STORAGEPROBE_JDK=debian (a clean Debian 12 root has no JDK 25), Debian trixie's
# openjdk-25-jdk-headless (and binutils: its jlink strips with objcopy), installed by debootstrap into the package source tree
# only, with jlink run chrooted there.
JDK="${STORAGEPROBE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ "$JDK" != debian && -x "$JDK/bin/jlink" ]]; then
  jdk_release="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$JDK/release")"
  [[ "$jdk_release" == 25* ]] || die "$JDK is Java '$jdk_release', not 25 (the launcher's flags and the AOT cache are Java 25's)"
  debian_jdk=()
else
  [[ -z "${STORAGEPROBE_JDK:-}" || "$JDK" == debian ]] || die "no jlink in STORAGEPROBE_JDK=$STORAGEPROBE_JDK"
  JDK=""
  debian_jdk=(--include=openjdk-25-jdk-headless,binutils)
  jdk_release="$SUITE ${debian_jdk[*]}"
  # Debian's java links the system zlib and libstdc++ (Temurin's does not).
  PACKAGES+=" zlib1g libstdc++6"
fi
RECIPE="v3 debootstrap --variant=minbase $SUITE, files of: $PACKAGES (no docs, locales, gconv); jlink $MODULES $JLINK_FLAGS from $jdk_release into /opt/java"
key="$(printf '%s' "$RECIPE" | sha256sum | cut -c1-12)"
base="$CACHE/base-$SUITE-$key"

mkdir -p "$CACHE" "$(dirname "$OUTPUT")"
work="$(mktemp -d "$CACHE/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT

mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local m
  m="$(grep -rhoE '(URIs:|^deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -oE 'https?://[^ ]+' | grep -v -- '-security' | head -n1 || true)"
  echo "${m:-http://deb.debian.org/debian}"
}

# Mount namespaces of their own for the overlays (and the chrooted jlink), private. Where / is no mount point (a chroot, as
# a clean-root CI runs the tests) unshare cannot change its propagation: there the namespace keeps
# the chroot's, and the overlays (and the chrooted jlink), mounted in this script's own temporary directory, go with it.
PROPAGATION=private
unshare --mount --propagation private true 2> /dev/null || PROPAGATION=unchanged

if [[ ! -e "$base/.complete" ]]; then
  log "making the base ($SUITE: $PACKAGES; Java $jdk_release: $MODULES) from $(mirror): a few minutes, once per recipe"
  new="$work/base"
  mkdir -p "$new"
  # A whole minbase, only as the source of the packages' files (and of dpkg's lists of them).
  debootstrap --variant=minbase "${debian_jdk[@]}" "$SUITE" "$work/debian" "$(mirror)" \
      >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  rootfs="$new/rootfs"
  mkdir -p "$rootfs"
  # The merged-/usr links first (/bin -> usr/bin, ...), so that the packages' /bin and /lib paths land in /usr.
  for l in bin lib lib64 sbin; do
    [[ -L "$work/debian/$l" ]] && cp -a "$work/debian/$l" "$rootfs/$l"
  done
  for p in $PACKAGES; do
    list="$work/debian/var/lib/dpkg/info/$p.list"
    [[ -f "$list" ]] || list="$work/debian/var/lib/dpkg/info/$p:amd64.list"
    [[ -f "$list" ]] || die "debootstrap's minbase has no package $p"
    cat "$list"
  done | grep -vE '^/usr/share/(doc|man|info|locale|lintian|common-licenses)/|^/usr/lib/x86_64-linux-gnu/gconv/' \
       | grep -vxE '/(bin|lib|lib64|sbin)|/\.' | sed 's|^/||' | sort -u >"$work/files"
  tar -C "$work/debian" --no-recursion -cf - -T "$work/files" | tar -C "$rootfs" -xpf -
  # What the runtime does not bring: users (root, nobody; the chart runs the operator as 65532,
  # which Java takes without a passwd entry), name service order, and the usual empty dirs.
  cp -a "$work/debian/etc/passwd" "$work/debian/etc/group" "$work/debian/etc/nsswitch.conf" "$rootfs/etc/"
  mkdir -p "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/run" "$rootfs/root" "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 0700 "$rootfs/root"
  ldconfig -r "$rootfs"
  # The Java runtime, /opt/java, and `java` on the image's PATH.
  if [[ -n "$JDK" ]]; then
    "$JDK/bin/jlink" --add-modules "$MODULES" $JLINK_FLAGS --output "$rootfs/opt/java" >&2
  else
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --pid --fork --propagation "$PROPAGATION" -- /bin/sh -eu -c '
      mount -t proc proc "$1/proc"
      chroot "$1" /usr/lib/jvm/java-25-openjdk-amd64/bin/jlink --add-modules "$2" $3 --output /opt/java' \
      jlink "$work/debian" "$MODULES" "$JLINK_FLAGS" >&2
    mkdir -p "$rootfs/opt"
    mv "$work/debian/opt/java" "$rootfs/opt/java"
    # Whatever the flags, Debian's jlink writes the native debug symbols beside the libraries.
    find "$rootfs/opt/java" -name '*.debuginfo' -delete
  fi
  mkdir -p "$rootfs/usr/local/bin"
  ln -s /opt/java/bin/java "$rootfs/usr/local/bin/java"
  rm -rf "$work/debian"
  umoci init --layout "$new/oci" >&2
  umoci new --image "$new/oci:base" >&2
  # umoci repack commits the difference between a bundle's rootfs and its mtree: an empty
  # unpacked image plus the rootfs moved in gives one layer holding the whole rootfs, and
  # --refresh-bundle records the rootfs in the mtree, so later builds diff against the base.
  umoci unpack --image "$new/oci:base" "$new/bundle" >&2
  rmdir "$new/bundle/rootfs"
  mv "$new/rootfs" "$new/bundle/rootfs"
  umoci repack --refresh-bundle --image "$new/oci:base" --history.created_by "$RECIPE" "$new/bundle" >&2
  # Publish whole or not at all: a killed build leaves only its own temp dir, removed by the trap.
  rm -rf "$base"
  mv "$new" "$base"
  touch "$base/.complete"
  log "base cached in $base ($(du -sm "$base/bundle/rootfs" | cut -f1) MB)"
else
  log "base from cache: $base"
fi

# The image's layout: the base's blobs are immutable, so hard links copy them for free.
oci="$work/oci"
mkdir -p "$oci/blobs"
cp -al "$base/oci/blobs/." "$oci/blobs/"
cp "$base/oci/index.json" "$base/oci/oci-layout" "$oci/"

# What the Dockerfile's COPY and RUN lines add: the upper dir of an overlay on the base rootfs.
upper="$work/upper"
mkdir -p "$upper/opt/storageprobe" "$upper/usr/local/bin" "$work/ovl-work" "$work/rootfs"
cp "$AGENT_JAR" "$upper/opt/storageprobe/storageprobe.jar"
cp "$OPERATOR_JAR" "$upper/opt/storageprobe/operator.jar"
install -m 0755 "$here/storageprobe" "$upper/usr/local/bin/storageprobe"


# in_image LOWER UPPER SCRIPT: runs SCRIPT chrooted in an overlay of the upper dir UPPER on the
# lower dirs LOWER (colon-separated, topmost first), in private mount, PID and network namespaces (no network; the mounts vanish with the
# namespace). proc, dev, sys and tmpfs on /tmp and /root go over the merged dir, so what the
# JVMs leave there (JNA's temp dir, hsperfdata) does not reach the layer.
in_image() {
  rm -rf "$work/ovl-work"; mkdir "$work/ovl-work"
  unshare --mount --pid --net --fork --propagation "$PROPAGATION" -- /bin/sh -eu -c '
    r="$1"
    mount -t overlay overlay -o "lowerdir=$2,upperdir=$3,workdir=$4" "$r"
    mount -t proc proc "$r/proc"
    mount --rbind /dev "$r/dev"
    mount -o bind,ro /sys "$r/sys"
    mount -t tmpfs tmpfs "$r/tmp"
    mount -t tmpfs tmpfs "$r/root"
    exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root chroot "$r" /bin/sh -euc "$5"' in_image "$work/rootfs" "$1" "$2" "$work/ovl-work" "$3"
}

log "recording the AOT cache (the Dockerfile's RUN step)"
run_step='java -version'
if [[ "$SMOKE_AGENT" == 1 ]]; then
  # Keep in step with the Dockerfile's RUN: same flags, same training run (ImageEntrypointTest).
  # hsperfdata goes to the tmpfs on /tmp, not into the layer.
  run_step+=' && java -XX:AOTCacheOutput=/opt/storageprobe/storageprobe.aot -XX:+UseCompactObjectHeaders -XX:+UseSerialGC \
      -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -Xlog:aot=error -Xlog:cds=error \
      -jar /opt/storageprobe/storageprobe.jar aot-training /opt/storageprobe/storageprobe.jar >/dev/null \
    && test -s /opt/storageprobe/storageprobe.aot'
fi
in_image "$base/bundle/rootfs" "$upper" "$run_step" >&2

log "smoke test"
# On a throwaway upper dir over base + image layer: the test's own writes stay out of the image.
smoke() { rm -rf "$work/smoke"; mkdir "$work/smoke"; in_image "$upper:$base/bundle/rootfs" "$work/smoke" "$1"; }
files='test -f /opt/storageprobe/storageprobe.jar && test -f /opt/storageprobe/operator.jar && test -x /usr/local/bin/storageprobe'
[[ "$SMOKE_AGENT" == 1 ]] && files+=' && test -s /opt/storageprobe/storageprobe.aot'
smoke "$files" || die "smoke test: the image lacks a file ($files)"
if [[ "$SMOKE_AGENT" == 1 ]]; then
  # The agent CLI through the entrypoint: probe a file inside the image (no devices needed).
  # Exit 0 (compatible) or 1 (a rule failed) both prove it ran; 2 and 3 do not.
  # -XX:AOTMode=on (inherited by the probe child) makes a JVM exit when it cannot use the AOT
  # cache: so the CLI and its child both start from it. -XX:-UsePerfData: no hsperfdata in /tmp.
  smoke '/usr/local/bin/storageprobe version' >&2 || die "smoke test: 'storageprobe version' failed"
  rc=0
  smoke 'JAVA_TOOL_OPTIONS="-XX:AOTMode=on -XX:-UsePerfData" /usr/local/bin/storageprobe check --file /opt/storageprobe/storageprobe.jar' >&2 || rc=$?
  (( rc <= 1 )) || die "smoke test: 'storageprobe check' exited $rc"
fi
# operator.jar through the entrypoint, without a cluster: the uninstall hook's command refuses
# a bad argument before any API call (exit 2), which proves the jar and its dispatch run.
rc=0
out="$(smoke '/usr/local/bin/storageprobe operator delete-probes --timeout never 2>&1')" || rc=$?
[[ $rc == 2 && "$out" == *"storageprobe-operator delete-probes: --timeout 'never' is not a duration"* ]] \
  || die "smoke test: 'storageprobe operator delete-probes --timeout never' exited $rc: $out"
# Whiteouts would mean the build deleted base files: the layer must only add.
if find "$upper" -type c -print -quit | grep -q .; then die "the image layer deletes base files: $(find "$upper" -type c)"; fi

log "committing the image layer and config"
# umoci repack on a bundle whose rootfs is the base with the upper dir on top (a read-only
# overlay) and whose mtree is the base's: the new layer holds just what the build added.
# (umoci 0.4.7's `insert` writes a truncated layer tar, so it is not used.)
bundle="$work/bundle"
mkdir -p "$bundle/rootfs"
cp "$base/bundle/"*.mtree "$base/bundle/umoci.json" "$base/bundle/config.json" "$bundle/"
unshare --mount --propagation "$PROPAGATION" -- /bin/sh -eu -c '
  mount -t overlay overlay -o "lowerdir=$2:$3" "$1/rootfs"
  umoci repack --image "$4:image" --history.created_by "image/build.sh: jars, launcher, AOT cache" "$1" >&2
' repack "$bundle" "$upper" "$base/bundle/rootfs" "$oci"
umoci config --image "$oci:image" \
  --config.entrypoint /usr/local/bin/storageprobe --config.cmd --help \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.label org.opencontainers.image.title=storageprobe \
  --config.label "org.opencontainers.image.description=O_DIRECT conformance probe for node disks (KubeVirt): operator and agent" \
  --config.label org.opencontainers.image.licenses=Apache-2.0 \
  --config.label "org.opencontainers.image.version=$app_version" \
  --history.created_by "image/build.sh: ENTRYPOINT [/usr/local/bin/storageprobe] CMD [--help]" >&2

rm -f "$OUTPUT"
skopeo copy --quiet "oci:$oci:image" "oci-archive:$OUTPUT:$IMAGE" >&2
log "built $IMAGE into $OUTPUT ($(du -h "$OUTPUT" | cut -f1))"
echo "$OUTPUT"
