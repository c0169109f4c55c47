# Sourced by build.sh and repin-sid.sh: an apt configuration of our own (bookworm + sid from
# the mirror the host already uses), so nothing is installed on or changed in the host's apt.
# Needs: APTDIR. Defines: APTOPTS, private_apt_update.
host_mirror() {
  grep -rhoE '(URIs:|^deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | grep -v -- '-security' | head -n1 || true
}
MIRROR=${DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || { echo "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR" >&2; exit 1; }
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APTOPTS=(-o "Dir::Etc::SourceList=$APTDIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o Debug::NoLocking=1
         -o APT::Sandbox::User=root -o Acquire::Languages=none -o APT::Default-Release=bookworm)

private_apt_update() {
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
  cat > "$APTDIR/sources.list" <<LIST
deb [signed-by=$KEYRING] $MIRROR bookworm main
deb-src [signed-by=$KEYRING] $MIRROR bookworm main
deb [signed-by=$KEYRING] $MIRROR sid main
LIST
  apt-get "${APTOPTS[@]}" -qq update
}
