#!/usr/bin/env bash
# Copies the generated CRDs (every crds/*.yaml at the repo root, written by the api module's
# build) into the chart's crds/ directory, which Helm installs before the templates. A copy, not a symlink: a chart with a dangling symlink does not load at all.
# ChartCrdsTest fails whenever the two directories differ, so a forgotten sync is caught.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/crds"
dst="$root/charts/storageprobe/crds"

shopt -s nullglob
files=("$src"/*.yaml)
if (( ${#files[@]} == 0 )); then
  echo "sync-crds.sh: no $src/*.yaml; the api module generates them" >&2
  exit 1
fi
mkdir -p "$dst"
rm -f "$dst"/*.yaml
cp "${files[@]}" "$dst"/
echo "copied ${#files[@]} CRD(s) into $dst" >&2
