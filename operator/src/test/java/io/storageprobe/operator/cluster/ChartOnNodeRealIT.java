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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
    private static final String NAMESPACE = "sp-node";
    private static final String RELEASE = "chartnode";
    private static final String PROBE = "default";
    private static final String AGENT_NAME_LABEL = ChartOnNode.AGENT_NAME_LABEL;
    private static final String AGENT_NAME = ChartOnNode.AGENT_NAME;
    private static final long WAIT_MINUTES = ChartOnNode.WAIT_MINUTES;

    private final TestCluster cluster;
    private final KubernetesClient admin;

    ChartOnNodeRealIT(TestCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    @Test
    void theChartInstalledWithHelmRunsOnTheNodeAndUninstallsCleanly(TestNode node) throws IOException {
        ChartOnNode on = new ChartOnNode(cluster, node, NAMESPACE);
        on.importImage();
        Path copy = Files.createTempDirectory("chart-on-node");
        Path chart = ChartOnNode.copyWithoutKubeVersion(copy);
        boolean uninstalled = false;
        try {
            // The CRDs are in the CRD server already (RealApiServer, by crds.sh): --skip-crds.
            // No Pod Security labels: PodSecurity admission does not exist in 1.20.
            Command.Result install = on.helm(
                    2,
                    "install",
                    RELEASE,
                    chart.toString(),
                    "--namespace",
                    NAMESPACE,
                    "--create-namespace",
                    "--skip-crds",
                    "--set",
                    "image.pullPolicy=Never",
                    "--set",
                    "defaultProbe.interval=1m");
            assertThat(install.exitCode())
                    .as(install.stdout() + install.stderr())
                    .isZero();

            Pod operator = on.waitForPod(
                    p -> p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> o.getKind().equals("ReplicaSet")),
                    "the operator Deployment's Pod");
            Pod agent = on.waitForPod(ChartOnNode::isAgent, "the agent's Pod");
            assertThat(List.of(operator, agent))
                    .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(TestNode.NAME));

            StorageProbe reported = on.waitFor("the StorageProbe reporting the node", () -> {
                StorageProbe p =
                        admin.resources(StorageProbe.class).withName(PROBE).get();
                return p != null
                                && p.getStatus() != null
                                && p.getStatus().summary() != null
                                && p.getStatus().summary().nodesReported() == 1
                        ? p
                        : null;
            });
            assertThat(reported.getStatus().summary().nodesReported()).isEqualTo(1);
            StorageProbeResult result = admin.resources(StorageProbeResult.class)
                    .withName(StorageProbeResult.nameFor(PROBE, TestNode.NAME))
                    .get();
            assertThat(result).as("the node's StorageProbeResult").isNotNull();
            // The verdict's value depends on the machine's root disk (Error where /dev/vda cannot be opened).
            Node labelled = on.waitFor("the verdict label on the node", () -> {
                Node n = admin.nodes().withName(TestNode.NAME).get();
                return n.getMetadata().getLabels().containsKey(StorageProbe.verdictLabel(PROBE)) ? n : null;
            });
            assertThat(labelled.getMetadata().getLabels()).containsKey(StorageProbe.verdictLabel(PROBE));

            String metrics = on.scrape(admin.pods()
                    .inNamespace(NAMESPACE)
                    .withName(agent.getMetadata().getName())
                    .get());
            assertThat(metrics).as("the agent's /metrics").containsPattern("(?m)^storageprobe_\\w+");

            NodeEvidence.section("chart installed: pods", on.kubectl("get", "pods", "-A", "-o", "wide"));
            NodeEvidence.section(
                    "chart installed: the StorageProbe (status)",
                    on.kubectl("get", "storageprobe", PROBE, "-o", "yaml"));
            NodeEvidence.section("chart installed: node labels and taints", on.nodeLabelsAndTaints());
            NodeEvidence.section(
                    "chart installed: a scrape of the agent Pod (first 20 storageprobe_ series)",
                    metrics.lines()
                            .filter(l -> l.startsWith("storageprobe_"))
                            .limit(20)
                            .reduce("", (a, b) -> a + b + "\n"));

            NodeEvidence.section(
                    "before helm uninstall",
                    on.kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                            + on.kubectl("get", "daemonsets", "-n", NAMESPACE)
                            + on.nodeLabelsAndTaints()
                            + on.kubectl("api-resources", "--api-group=storageprobe.io"));
            int auditMark = cluster.auditLog().size();
            Command.Result uninstall = on.helm(6, "uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "6m");
            assertThat(uninstall.exitCode())
                    .as(uninstall.stdout() + uninstall.stderr())
                    .isZero();
            uninstalled = true;

            // The hook deleted the probe while the operator still ran (helm deletes the chart's
            // StorageProbe too, but only after the operator: its finalizer would never run then).
            assertThat(cluster.auditLog()
                            .since(auditMark)
                            .by("system:serviceaccount:" + NAMESPACE + ":" + RELEASE + "-storageprobe-uninstall")
                            .entries())
                    .as("the uninstall hook's requests")
                    .anySatisfy(e -> {
                        assertThat(e.verb()).isIn("delete", "deletecollection");
                        assertThat(e.resource()).isEqualTo("storageprobes");
                        assertThat(e.code()).isIn(200, 202); // 202: accepted, finalizers pending
                    });
            NodeEvidence.section(
                    "after helm uninstall",
                    on.kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                            + on.kubectl("get", "daemonsets", "-n", NAMESPACE)
                            + on.kubectl("api-resources", "--api-group=storageprobe.io"));
            NodeEvidence.section("uninstalled: pods", on.kubectl("get", "pods", "-A", "-o", "wide"));
            NodeEvidence.section("uninstalled: node labels and taints", on.nodeLabelsAndTaints());
            assertThat(admin.resources(StorageProbe.class).list().getItems())
                    .as("StorageProbes")
                    .isEmpty();
            assertThat(admin.resources(StorageProbeResult.class).list().getItems())
                    .as("StorageProbeResults")
                    .isEmpty();
            assertThat(admin.apps()
                            .daemonSets()
                            .inNamespace(NAMESPACE)
                            .withLabel(AGENT_NAME_LABEL, AGENT_NAME)
                            .list()
                            .getItems())
                    .as("agent DaemonSets")
                    .isEmpty();
            Node after = admin.nodes().withName(TestNode.NAME).get();
            assertThat(after.getMetadata().getLabels().keySet())
                    .as("node labels")
                    .noneMatch(k -> k.contains("storageprobe.io/"));
            List<Taint> taints = after.getSpec().getTaints() == null
                    ? List.of()
                    : after.getSpec().getTaints();
            assertThat(taints).as("node taints").noneMatch(t -> t.getKey().equals("storageprobe.io/affected"));
            // helm keeps crds/: the resources are still served (the list above would 404 otherwise).
            String served = on.kubectl("api-resources", "--api-group=storageprobe.io");
            NodeEvidence.section("uninstalled: CRDs still served", served);
            assertThat(served).contains("storageprobes", "storageproberesults");
        } finally {
            if (!uninstalled) {
                System.out.println("=== failed: pods\n" + on.kubectl("get", "pods", "-A", "-o", "wide"));
                System.out.println(on.podLogs());
                on.helm(2, "uninstall", RELEASE, "--namespace", NAMESPACE, "--no-hooks");
            }
            // Gone while the node still runs: its kubelet confirms the Pods' end.
            admin.namespaces().withName(NAMESPACE).delete();
            admin.namespaces().withName(NAMESPACE).waitUntilCondition(Objects::isNull, WAIT_MINUTES, TimeUnit.MINUTES);
            ChartOnNode.deleteTree(copy);
        }
    }
}
