#!/usr/bin/env bash
# Installs the Debian packages of the commands this machine lacks, then fails naming any command
# still missing: the one place the project installs host tools (run-tests, the kernel matrix, the
# chart tools, the image scripts). Needs root on Debian 12 when something is missing.
#
#   host-tools.sh [--recommends] [-f LIST]... [COMMAND=PACKAGE]...
#
# LIST: lines "COMMAND PACKAGE [why...]", # starts a comment (test-tools.txt, kernel-matrix/host-tools.txt).
# A COMMAND is a name on PATH, or an absolute path that must exist (a header, a plugin).
# Packages are installed without their recommendations unless --recommends is given. apt's
# output goes to stderr; stdout stays empty, so callers may capture theirs around this.
set -euo pipefail
recommends=--no-install-recommends
pairs=()
while [ $# -gt 0 ]; do
  case $1 in
    --recommends) recommends=; shift ;;
    -f) [ -r "${2:-}" ] || { echo "host-tools.sh: cannot read list '${2:-}'" >&2; exit 2; }
        while read -r tool pkg _; do pairs+=("$tool=$pkg"); done < <(grep -v '^#' "$2" | grep .)
        shift 2 ;;
    *=*) pairs+=("$1"); shift ;;
    *) echo "host-tools.sh: expected COMMAND=PACKAGE or -f LIST, got '$1'" >&2; exit 2 ;;
  esac
done

# type -P, not command -v: `kill` is also a shell builtin, but the tests exec /bin/kill (procps).
have() { case $1 in /*) [ -e "$1" ] ;; *) type -P "$1" >/dev/null ;; esac; }
missing() { local p; for p in "${pairs[@]}"; do have "${p%%=*}" || echo "${p#*=}"; done | sort -u; }

need=($(missing))
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "host-tools.sh: installing ${need[*]} needs root" >&2; exit 1; }
  echo "host-tools.sh: installing ${need[*]}" >&2
  apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $recommends "${need[@]}" >&2; }
  # The package lists may be stale (a fresh machine has none): update only when the install fails.
  apt_install 2>/dev/null || { apt-get update -qq >&2 && apt_install; } \
    || { echo "host-tools.sh: apt-get install ${need[*]} failed" >&2; exit 1; }
fi
still=$(for p in "${pairs[@]}"; do have "${p%%=*}" || echo "${p%%=*} (${p#*=})"; done)
[ -z "$still" ] || { echo "host-tools.sh: still missing after the install:" $still >&2; exit 1; }
