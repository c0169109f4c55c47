# One image for the StorageProbe operator and the node agent.
#
#   mvn -B -DskipTests package   # probe-agent/target/storageprobe.jar, operator/target/storageprobe-operator.jar
#   docker build -t storageprobe:dev .
#
# Without a Docker daemon or a registry (air-gapped CI, this repo's dev machines) use
# image/build.sh: the same content and entrypoint, built with debootstrap, umoci and skopeo
# into an OCI archive. Keep its AOT training command in step with the RUN below.
#
# The runtime is Java 25 (the class files stay at release 17, so `./storageprobe check` still runs
# on Debian 12's Java 17): the build records an AOT cache (JEP 483/514/515) of the CLI and the probe
# children, which the launcher (image/storageprobe) hands to every agent JVM.
#
# Runs as root on purpose: the agent (a privileged DaemonSet made by the operator) opens
# block devices with O_DIRECT. The Helm chart runs the operator as UID 65532 with a
# read-only root filesystem and no capabilities.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}

# Where the jars come from, relative to the build context (the repository root).
ARG AGENT_JAR=probe-agent/target/storageprobe.jar
ARG OPERATOR_JAR=operator/target/storageprobe-operator.jar

LABEL org.opencontainers.image.title="storageprobe" \
      org.opencontainers.image.description="O_DIRECT conformance probe for node disks (KubeVirt): operator and agent" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY ${AGENT_JAR} /opt/storageprobe/storageprobe.jar
COPY ${OPERATOR_JAR} /opt/storageprobe/operator.jar
COPY image/storageprobe /usr/local/bin/storageprobe

# Every process must find the JVM on PATH; fail the build here rather than at pod start.
# Then the AOT cache: one training JVM (`aot-training`: --help, `check --file` and the probe-targets
# child's work, on the jar itself; no devices, no cluster, no network) writes it at exit. Trained
# with the launcher's compact object headers and the agent's serial GC: a cache is refused when
# the header layout differs. The classpath is the launcher's, as the cache requires.
# AOT_CACHE=0 skips it (stand-in jars that cannot run; the launcher then starts without a cache).
ARG AOT_CACHE=1
RUN java -version && chmod 0755 /usr/local/bin/storageprobe \
 && if [ "$AOT_CACHE" = 1 ]; then \
      java -XX:AOTCacheOutput=/opt/storageprobe/storageprobe.aot -XX:+UseCompactObjectHeaders -XX:+UseSerialGC \
        -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -Xlog:aot=error -Xlog:cds=error \
        -jar /opt/storageprobe/storageprobe.jar aot-training /opt/storageprobe/storageprobe.jar >/dev/null \
      && ls -l /opt/storageprobe/storageprobe.aot; \
    fi

ENTRYPOINT ["/usr/local/bin/storageprobe"]
CMD ["--help"]
