#!/usr/bin/env bash
# Prints the path of the agent jar of this checkout, building it first when it is missing or older
# than its sources: the one staleness check (./storageprobe and kernel-matrix/run use it).
# Build output goes to stderr. Exit 3 when a build is needed and Maven or a JDK is missing.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=$repo/probe-agent/target/storageprobe.jar

stale() {
  [ ! -f "$jar" ] || [ -n "$(find "$repo/pom.xml" "$repo/api/pom.xml" "$repo/api/src/main" \
    "$repo/probe-agent/pom.xml" "$repo/probe-agent/src/main" -newer "$jar" -print -quit)" ]
}

if stale; then
  for tool in mvn java; do
    command -v "$tool" >/dev/null || {
      echo "storageprobe: building needs Maven and JDK 17 (apt-get install -y maven openjdk-17-jdk-headless)" >&2
      exit 3
    }
  done
  echo "storageprobe: building the agent (first run only)..." >&2
  # Debian's Maven 3.8 prints colour resets even with -B and style.color=never: strip them.
  # pipefail: a failed build fails here, not with a missing jar later.
  (cd "$repo" && mvn -B -q -Dstyle.color=never -DskipTests package -pl probe-agent -am) 2>&1 \
    | sed -u 's/\x1b\[[0-9;]*m//g' >&2
fi
echo "$jar"
