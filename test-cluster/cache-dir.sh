# Sourced by build.sh and start.sh: where the binaries of these pins live.
# Needs: here (this directory), versions.env sourced. Defines: ROOT, OUT, BIN.
ROOT=${STORAGEPROBE_TEST_CLUSTER_CACHE:-$HOME/.cache/storageprobe/test-cluster}
OUT=$ROOT/$K8S_VERSION-apiext-$APIEXT_VERSION-$(cat "$here/versions.env" "$here/sid-packages.txt" | sha256sum | cut -c1-12)
BIN=$OUT/bin
