#!/usr/bin/env bash
# repin-sid.sh — rewrite sid-packages.txt from today's sid: the golang-* closure of
# golang-k8s-apiextensions-apiserver-dev plus sid's Go. Run it when build.sh reports that a
# pinned sid package disappeared (sid moves daily), then review the diff and commit it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
APTDIR=$(mktemp -d)
trap 'rm -rf "$APTDIR"' EXIT
aptconf=$(python3 "$here/../tools/private_apt.py" "$APTDIR" sid)
go=$(apt-cache -c "$aptconf" show -a golang-go 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
go=golang-${go#2:}; go=${go%%~*}             # 2:1.27~1 -> golang-1.27
index=$(ls "$APTDIR"/state/lists/*_dists_sid_main_binary-amd64_Packages* | head -1)
{
  echo "# golang-* closure of golang-k8s-apiextensions-apiserver-dev in Debian sid (repin-sid.sh, $(date -u +%F))"
  /usr/lib/apt/apt-helper cat-file "$index" \
    | python3 "$here/sid-closure.py" golang-k8s-apiextensions-apiserver-dev "$go-go" "$go-src"
} > "$here/sid-packages.txt"
echo "$(grep -vc '^#' "$here/sid-packages.txt") packages pinned in sid-packages.txt" >&2
