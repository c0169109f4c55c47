# One image for the StorageProbe operator and the node agent.
#
#   mvn -B -DskipTests package   # probe-agent/target/storageprobe.jar, operator/target/storageprobe-operator.jar
#   docker build -t storageprobe:dev .
#
# Without a registry (air-gapped CI, this repo's dev machines) use image/build-local.sh: it
# makes a local Debian base with a JRE and builds this file on it with --network none.
#
# Runs as root on purpose: the agent (a privileged DaemonSet made by the operator) opens
# block devices with O_DIRECT. The Helm chart runs the operator as UID 65532 with a
# read-only root filesystem and no capabilities.
ARG BASE_IMAGE=eclipse-temurin:17-jre
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
RUN java -version && chmod 0755 /usr/local/bin/storageprobe

ENTRYPOINT ["/usr/local/bin/storageprobe"]
CMD ["--help"]
