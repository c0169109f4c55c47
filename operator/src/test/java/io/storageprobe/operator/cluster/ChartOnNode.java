package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The chart on the real node, as the node ITs share it: the project's image (image/build.sh)
 * imported into the node's containerd, a copy of the chart installable on API server 1.20, helm
 * with the cluster's kubeconfig, waits that say what was missing, the agent's /metrics from the
 * Pod network, and the Pods' logs from kubelet's log directory.
 */
final class ChartOnNode {
    static final Path REPO = Path.of(System.getProperty("storageprobe.repo.dir", ".."))
            .toAbsolutePath()
            .normalize();
    static final Path CHART = REPO.resolve("charts/storageprobe");
    static final String AGENT_NAME_LABEL = "app.kubernetes.io/name";
    static final String AGENT_NAME = "storageprobe-agent";
    /** Guards against a hung node or operator, not timing assertions. */
    static final long WAIT_MINUTES = 4;

    private final TestCluster cluster;
    private final KubernetesClient admin;
    private final TestNode node;
    private final String namespace;

    ChartOnNode(TestCluster cluster, TestNode node, String namespace) {
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.node = node;
        this.namespace = namespace;
    }

    /** The image built (if stale) and imported into the node. */
    void importImage() {
        Path archive = ensureImage();
        List<String> ctr = List.of(
                "ctr",
                "--address",
                cluster.dir().resolve("node/containerd.sock").toString(),
                "-n",
                "k8s.io");
        List<String> importIt = new ArrayList<>(ctr);
        importIt.addAll(List.of("images", "import", archive.toString()));
        new Command(importIt, Map.of()).run(REPO, 5, TimeUnit.MINUTES).orThrow();
        List<String> list = new ArrayList<>(ctr);
        list.addAll(List.of("images", "ls", "-q"));
        String images = new Command(list, Map.of())
                .run(REPO, 1, TimeUnit.MINUTES)
                .orThrow()
                .stdout();
        assertThat(images).as("the node's images").contains("ghcr.io/storageprobe/storageprobe:" + appVersion());
    }

    /**
     * The OCI archive of image/build.sh, built afresh when missing or older than either jar (the
     * verify phase's package step has just made them).
     */
    private static Path ensureImage() {
        Path archive = REPO.resolve("image/target/storageprobe.oci.tar");
        Path agentJar = Path.of(System.getProperty(
                "storageprobe.agent.jar",
                REPO.resolve("probe-agent/target/storageprobe.jar").toString()));
        Path operatorJar = REPO.resolve("operator/target/storageprobe-operator.jar");
        for (Path jar : List.of(agentJar, operatorJar)) {
            assertThat(jar).as("run mvn package first").isRegularFile();
        }
        FileTime newestJar = Stream.of(agentJar, operatorJar)
                .map(ChartOnNode::modified)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        if (!Files.exists(archive) || modified(archive).compareTo(newestJar) < 0) {
            Command.of(REPO.resolve("image/build.sh").toString())
                    .withEnv(Map.of(
                            "AGENT_JAR",
                            agentJar.toString(),
                            "OPERATOR_JAR",
                            operatorJar.toString(),
                            "OUTPUT",
                            archive.toString()))
                    .run(REPO, 15, TimeUnit.MINUTES)
                    .orThrow();
        }
        return archive;
    }

    private static String appVersion() {
        try {
            return Files.readString(CHART.resolve("Chart.yaml"))
                    .lines()
                    .filter(l -> l.startsWith("appVersion:"))
                    .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * API server 1.20 is below the chart's kubeVersion (the CRDs' CEL is served by the 1.36 CRD
     * server): a copy of the chart without that gate, as ChartNamespaceRealIT does.
     */
    static Path copyWithoutKubeVersion(Path into) throws IOException {
        Path to = into.resolve("storageprobe");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path chartYaml = to.resolve("Chart.yaml");
        Files.writeString(chartYaml, Files.readString(chartYaml).replaceAll("(?m)^kubeVersion:.*\\n", ""));
        return to;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    Command.Result helm(long timeoutMinutes, String... args) {
        List<String> command = new ArrayList<>(List.of(Helm.binary().toString()));
        command.addAll(List.of(args));
        return new Command(command, Map.of("KUBECONFIG", cluster.kubeconfig().toString()))
                .run(CHART, timeoutMinutes, TimeUnit.MINUTES);
    }

    /** The agent's /metrics from inside the node's network namespace, where the Pod network is. */
    String scrape(Pod agent) throws IOException {
        String netns = Files.readString(cluster.dir().resolve("node/netns")).trim();
        String url = "http://" + agent.getStatus().getPodIP() + ":9402/metrics";
        Command.Result last = null;
        // The Pod is Running once its container started; its HTTP server listens a moment later.
        for (int attempt = 0; attempt < 60; attempt++) {
            last = Command.of("nsenter", "--net=/run/netns/" + netns, "curl", "-sS", "--max-time", "10", url)
                    .run(REPO, 1, TimeUnit.MINUTES);
            if (last.exitCode() == 0 && last.stdout().contains("storageprobe_")) {
                return last.stdout();
            }
            sleep();
        }
        throw new AssertionError("no storageprobe_ series at " + url + ": " + last.stderr() + last.stdout() + "\n"
                + node.containerLogs(namespace, agent.getMetadata().getName()));
    }

    Pod waitForPod(Predicate<Pod> which, String what) {
        return waitFor(
                what + " Running",
                () -> admin.pods().inNamespace(namespace).list().getItems().stream()
                        .filter(which)
                        .filter(p -> "Running".equals(p.getStatus().getPhase()))
                        .findFirst()
                        .orElse(null));
    }

    static boolean isAgent(Pod p) {
        return AGENT_NAME.equals(p.getMetadata().getLabels().get(AGENT_NAME_LABEL));
    }

    <T> T waitFor(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            sleep();
        }
        throw new AssertionError(what + " did not happen:\n" + kubectl("get", "pods", "-A", "-o", "wide")
                + kubectl("get", "storageprobe", "-o", "yaml") + kubectl("get", "storageproberesults", "-o", "yaml")
                + podLogs() + node.diagnostics());
    }

    static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every Pod's log in the namespace (kubectl logs cannot reach this node's kubelet). */
    String podLogs() {
        StringBuilder out = new StringBuilder();
        for (Pod p : admin.pods().inNamespace(namespace).list().getItems()) {
            out.append(node.containerLogs(namespace, p.getMetadata().getName())).append('\n');
        }
        return out.toString();
    }

    String nodeLabelsAndTaints() {
        return kubectl(
                "get", "node", TestNode.NAME, "-o", "jsonpath={.metadata.labels}{\"\\n\"}{.spec.taints}{\"\\n\"}");
    }

    String kubectl(String... args) {
        Command.Result r = cluster.kubectl(args);
        return r.stdout() + r.stderr();
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
