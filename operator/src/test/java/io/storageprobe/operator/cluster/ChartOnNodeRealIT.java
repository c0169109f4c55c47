package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart installed as an admin installs it (issue 18): the image built by image/build.sh,
 * imported into the real node's containerd, `helm install` with the real helm, the operator and
 * the agent running as Pods on the node, the default StorageProbe reporting the node, labelling
 * it and exporting metrics; then `helm uninstall` with its pre-delete hook removing every probe,
 * result, DaemonSet, label and taint, and keeping the CRDs.
 */
@ExtendWith(RealApiServer.class)
class ChartOnNodeRealIT {
    private static final Path REPO = Path.of(System.getProperty("storageprobe.repo.dir", "..")).toAbsolutePath().normalize();
    private static final Path CHART = REPO.resolve("charts/storageprobe");
    private static final String NAMESPACE = "sp-node";
    private static final String RELEASE = "chartnode";
    private static final String PROBE = "default";
    private static final String AGENT_NAME_LABEL = "app.kubernetes.io/name";
    private static final String AGENT_NAME = "storageprobe-agent";
    /** Guards against a hung node or operator, not timing assertions. */
    private static final long WAIT_MINUTES = 4;

    private final TestCluster cluster;
    private final KubernetesClient admin;

    ChartOnNodeRealIT(TestCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    @Test
    void theChartInstalledWithHelmRunsOnTheNodeAndUninstallsCleanly(TestNode node) throws IOException {
        importImage(ensureImage());
        // API server 1.20, below the chart's kubeVersion (the CRDs' CEL is served by the 1.36 CRD
        // server): a copy of the chart without that gate, as ChartNamespaceRealIT does.
        Path copy = Files.createTempDirectory("chart-on-node");
        Path chart = copyWithoutKubeVersion(CHART, copy.resolve("storageprobe"));
        boolean uninstalled = false;
        try {
            // The CRDs are in the CRD server already (RealApiServer, by crds.sh): --skip-crds.
            // No Pod Security labels: PodSecurity admission does not exist in 1.20.
            Command.Result install = helm(2, "install", RELEASE, chart.toString(), "--namespace", NAMESPACE, "--create-namespace",
                    "--skip-crds", "--set", "image.pullPolicy=Never", "--set", "defaultProbe.interval=1m");
            assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();

            Pod operator = waitForPod(p -> p.getMetadata().getOwnerReferences().stream().anyMatch(o -> o.getKind().equals("ReplicaSet")),
                    "the operator Deployment's Pod", node);
            Pod agent = waitForPod(p -> AGENT_NAME.equals(p.getMetadata().getLabels().get(AGENT_NAME_LABEL)), "the agent's Pod", node);
            assertThat(List.of(operator, agent)).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(TestNode.NAME));

            StorageProbe reported = waitFor("the StorageProbe reporting the node", () -> {
                StorageProbe p = admin.resources(StorageProbe.class).withName(PROBE).get();
                return p != null && p.getStatus() != null && p.getStatus().summary() != null
                        && p.getStatus().summary().nodesReported() == 1 ? p : null;
            }, node);
            assertThat(reported.getStatus().summary().nodesReported()).isEqualTo(1);
            StorageProbeResult result = admin.resources(StorageProbeResult.class)
                    .withName(StorageProbeResult.nameFor(PROBE, TestNode.NAME)).get();
            assertThat(result).as("the node's StorageProbeResult").isNotNull();
            // The verdict's value depends on the machine's root disk (Error where /dev/vda cannot be opened).
            Node labelled = waitFor("the verdict label on the node", () -> {
                Node n = admin.nodes().withName(TestNode.NAME).get();
                return n.getMetadata().getLabels().containsKey(StorageProbe.verdictLabel(PROBE)) ? n : null;
            }, node);
            assertThat(labelled.getMetadata().getLabels()).containsKey(StorageProbe.verdictLabel(PROBE));

            String metrics = scrape(node, admin.pods().inNamespace(NAMESPACE).withName(agent.getMetadata().getName()).get());
            assertThat(metrics).as("the agent's /metrics").containsPattern("(?m)^storageprobe_\\w+");

            System.out.println("=== installed: pods\n" + kubectl("get", "pods", "-A", "-o", "wide"));
            System.out.println("=== installed: StorageProbe status\n" + kubectl("get", "storageprobe", PROBE, "-o", "jsonpath={.status}"));
            System.out.println("=== installed: node labels and taints\n" + nodeLabelsAndTaints());
            System.out.println("=== installed: storageprobe_ series\n" + metrics.lines().filter(l -> l.startsWith("storageprobe_"))
                    .limit(20).reduce("", (a, b) -> a + b + "\n"));

            System.out.println("=== before uninstall\n" + kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                    + kubectl("get", "daemonsets", "-n", NAMESPACE));
            int auditMark = cluster.auditLog().size();
            Command.Result uninstall = helm(6, "uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "6m");
            assertThat(uninstall.exitCode()).as(uninstall.stdout() + uninstall.stderr()).isZero();
            uninstalled = true;

            // The hook deleted the probe while the operator still ran (helm deletes the chart's
            // StorageProbe too, but only after the operator: its finalizer would never run then).
            assertThat(cluster.auditLog().since(auditMark).by("system:serviceaccount:" + NAMESPACE + ":" + RELEASE + "-storageprobe-uninstall")
                    .entries()).as("the uninstall hook's requests").anySatisfy(e -> {
                        assertThat(e.verb()).isIn("delete", "deletecollection");
                        assertThat(e.resource()).isEqualTo("storageprobes");
                        assertThat(e.code()).isIn(200, 202); // 202: accepted, finalizers pending
                    });
            System.out.println("=== after uninstall\n" + kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                    + kubectl("get", "daemonsets", "-n", NAMESPACE));
            System.out.println("=== uninstalled: pods\n" + kubectl("get", "pods", "-A", "-o", "wide"));
            System.out.println("=== uninstalled: node labels and taints\n" + nodeLabelsAndTaints());
            assertThat(admin.resources(StorageProbe.class).list().getItems()).as("StorageProbes").isEmpty();
            assertThat(admin.resources(StorageProbeResult.class).list().getItems()).as("StorageProbeResults").isEmpty();
            assertThat(admin.apps().daemonSets().inNamespace(NAMESPACE).withLabel(AGENT_NAME_LABEL, AGENT_NAME).list().getItems())
                    .as("agent DaemonSets").isEmpty();
            Node after = admin.nodes().withName(TestNode.NAME).get();
            assertThat(after.getMetadata().getLabels().keySet()).as("node labels")
                    .noneMatch(k -> k.contains("storageprobe.io/"));
            List<Taint> taints = after.getSpec().getTaints() == null ? List.of() : after.getSpec().getTaints();
            assertThat(taints).as("node taints").noneMatch(t -> t.getKey().equals("storageprobe.io/affected"));
            // helm keeps crds/: the resources are still served (the list above would 404 otherwise).
            String served = kubectl("api-resources", "--api-group=storageprobe.io");
            System.out.println("=== uninstalled: CRDs still served\n" + served);
            assertThat(served).contains("storageprobes", "storageproberesults");
        } finally {
            if (!uninstalled) {
                System.out.println("=== failed: pods\n" + kubectl("get", "pods", "-A", "-o", "wide"));
                System.out.println(podLogs(node));
                helm(2, "uninstall", RELEASE, "--namespace", NAMESPACE, "--no-hooks");
            }
            // Gone while the node still runs: its kubelet confirms the Pods' end.
            admin.namespaces().withName(NAMESPACE).delete();
            admin.namespaces().withName(NAMESPACE).waitUntilCondition(Objects::isNull, WAIT_MINUTES, TimeUnit.MINUTES);
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The OCI archive of image/build.sh, built afresh when missing or older than either jar (the
     * verify phase's package step has just made them).
     */
    private static Path ensureImage() throws IOException {
        Path archive = REPO.resolve("image/target/storageprobe.oci.tar");
        Path agentJar = Path.of(System.getProperty("storageprobe.agent.jar", REPO.resolve("probe-agent/target/storageprobe.jar").toString()));
        Path operatorJar = REPO.resolve("operator/target/storageprobe-operator.jar");
        for (Path jar : List.of(agentJar, operatorJar)) {
            assertThat(jar).as("run mvn package first").isRegularFile();
        }
        FileTime newestJar = Stream.of(agentJar, operatorJar).map(ChartOnNodeRealIT::modified).max(Comparator.naturalOrder()).orElseThrow();
        if (!Files.exists(archive) || modified(archive).compareTo(newestJar) < 0) {
            Command.of(REPO.resolve("image/build.sh").toString())
                    .withEnv(Map.of("AGENT_JAR", agentJar.toString(), "OPERATOR_JAR", operatorJar.toString(), "OUTPUT", archive.toString()))
                    .run(REPO, 15, TimeUnit.MINUTES).orThrow();
        }
        return archive;
    }

    /** Into the node's containerd, as test-cluster/node-run.sh imports the pause and busybox images. */
    private void importImage(Path archive) {
        List<String> ctr = List.of("ctr", "--address", cluster.dir().resolve("node/containerd.sock").toString(), "-n", "k8s.io");
        List<String> importIt = new ArrayList<>(ctr);
        importIt.addAll(List.of("images", "import", archive.toString()));
        new Command(importIt, Map.of()).run(REPO, 5, TimeUnit.MINUTES).orThrow();
        List<String> list = new ArrayList<>(ctr);
        list.addAll(List.of("images", "ls", "-q"));
        String images = new Command(list, Map.of()).run(REPO, 1, TimeUnit.MINUTES).orThrow().stdout();
        assertThat(images).as("the node's images").contains("ghcr.io/storageprobe/storageprobe:" + appVersion());
    }

    private static String appVersion() {
        try {
            return Files.readString(CHART.resolve("Chart.yaml")).lines().filter(l -> l.startsWith("appVersion:"))
                    .map(l -> l.substring("appVersion:".length()).trim().replace("\"", "")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent's /metrics from inside the node's network namespace, where the Pod network is. */
    private String scrape(TestNode node, Pod agent) throws IOException {
        String netns = Files.readString(cluster.dir().resolve("node/netns")).trim();
        String url = "http://" + agent.getStatus().getPodIP() + ":9402/metrics";
        Command.Result last = null;
        // The Pod is Running once its container started; its HTTP server listens a moment later.
        for (int attempt = 0; attempt < 60; attempt++) {
            last = Command.of("nsenter", "--net=/run/netns/" + netns, "curl", "-sS", "--max-time", "10", url).run(REPO, 1, TimeUnit.MINUTES);
            if (last.exitCode() == 0 && last.stdout().contains("storageprobe_")) {
                return last.stdout();
            }
            sleep();
        }
        throw new AssertionError("no storageprobe_ series at " + url + ": " + last.stderr() + last.stdout() + "\n"
                + node.containerLogs(NAMESPACE, agent.getMetadata().getName()));
    }

    private Pod waitForPod(Predicate<Pod> which, String what, TestNode node) {
        return waitFor(what + " Running", () -> admin.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(which).filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElse(null), node);
    }

    private <T> T waitFor(String what, java.util.function.Supplier<T> probe, TestNode node) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            sleep();
        }
        throw new AssertionError(what + " did not happen:\n" + kubectl("get", "pods", "-A", "-o", "wide")
                + kubectl("get", "storageprobe", "-o", "yaml") + podLogs(node) + node.diagnostics());
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every Pod's log in the namespace (kubectl logs cannot reach this node's kubelet). */
    private String podLogs(TestNode node) {
        StringBuilder out = new StringBuilder();
        for (Pod p : admin.pods().inNamespace(NAMESPACE).list().getItems()) {
            out.append(node.containerLogs(NAMESPACE, p.getMetadata().getName())).append('\n');
        }
        return out.toString();
    }

    private String nodeLabelsAndTaints() {
        return kubectl("get", "node", TestNode.NAME, "-o", "jsonpath={.metadata.labels}{\"\\n\"}{.spec.taints}{\"\\n\"}");
    }

    private String kubectl(String... args) {
        Command.Result r = cluster.kubectl(args);
        return r.stdout() + r.stderr();
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path copyWithoutKubeVersion(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
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

    private Command.Result helm(long timeoutMinutes, String... args) {
        List<String> command = new ArrayList<>(List.of(Helm.binary().toString()));
        command.addAll(List.of(args));
        return new Command(command, Map.of("KUBECONFIG", cluster.kubeconfig().toString())).run(CHART, timeoutMinutes, TimeUnit.MINUTES);
    }
}
