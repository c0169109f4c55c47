package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.OperatorMain;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.Command;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's uninstall hook command, {@code storageprobe operator delete-probes}, as its own
 * process on a real API server, authenticated as the hook's ServiceAccount with the chart's
 * hook RBAC (list and delete storageprobes, nothing else): with the operator running it deletes
 * every StorageProbe and exits only when they are gone, and by then the operator's finalizer has
 * removed the node's verdict label and taint and the agent DaemonSets are gone. Without an
 * operator to run the finalizer, it gives up at its timeout saying what is left and why.
 * (The Helm side, that the Job runs before the operator is deleted, is the chart's and Helm's;
 * ChartUninstallHookTest checks what the chart renders.)
 */
@ExtendWith(RealApiServer.class)
class DeleteProbesRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NODE = "uninstall-node";

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;

    DeleteProbesRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
    }

    @Test
    void withTheOperatorRunningEveryProbeIsGoneWithItsLabelsTaintsAndDaemonSetsWhenTheCommandExits() throws Exception {
        admin.nodes().resource(LinuxNodes.named(NODE).build()).create();
        probe("uninstall-a", new NodeActions(true, NodeActions.TaintAction.NoSchedule), List.of());
        probe("uninstall-b", null, List.of());
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, chart.operatorSettings())) {
            // An affected node, as the agent of uninstall-a reports it: labelled and tainted by the operator.
            try (SimulatedAgent agent = new SimulatedAgent(
                    cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount())),
                    "uninstall-a",
                    NODE,
                    new ReplayProbeRunner("6.1.0-50-amd64"))) {
                await().atMost(TIMEOUT)
                        .until(() -> "Affected"
                                        .equals(node().getMetadata()
                                                .getLabels()
                                                .get(StorageProbe.verdictLabel("uninstall-a")))
                                && hasAffectedTaint(node()));
            }
            await().atMost(TIMEOUT).until(() -> daemonSetNames().size() == 2);
            assertThat(admin.resources(StorageProbeResult.class).list().getItems())
                    .isNotEmpty();

            Command.Result result = deleteProbes("--timeout", "90s");

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout())
                    .contains("storageprobe-operator delete-probes: deleted StorageProbes uninstall-a, uninstall-b");
            // No waiting here: when the command exits, all of it is already gone.
            assertThat(admin.resources(StorageProbe.class).list().getItems()).isEmpty();
            assertThat(daemonSetNames()).isEmpty();
            assertThat(admin.resources(StorageProbeResult.class).list().getItems())
                    .isEmpty();
            Node node = node();
            assertThat(node.getMetadata().getLabels()).doesNotContainKey(StorageProbe.verdictLabel("uninstall-a"));
            assertThat(hasAffectedTaint(node))
                    .as("storageprobe.io/affected taint left on the node")
                    .isFalse();
        }
    }

    @Test
    void aProbeCountsAsGoneOnlyOnceItsAgentDaemonSetIsGone() throws Exception {
        // On a real node the agent pods take their grace period to stop. Here a finalizer on the
        // DaemonSet stands in for that: until it is removed, the DaemonSet exists, and so must the
        // probe (foreground deletion), or the hook would report success with agents still running.
        probe("uninstall-slow", null, List.of());
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, chart.operatorSettings())) {
            await().atMost(TIMEOUT).until(() -> daemonSetNames().contains("storageprobe-agent-uninstall-slow"));
            admin.apps()
                    .daemonSets()
                    .inNamespace(chart.namespace())
                    .withName("storageprobe-agent-uninstall-slow")
                    .edit(d -> {
                        d.getMetadata().setFinalizers(List.of("storageprobe.io/test-slow-teardown"));
                        return d;
                    });

            Command.Result held = deleteProbes("--timeout", "5s");

            assertThat(held.exitCode()).as(held.stdout()).isEqualTo(1);
            assertThat(held.stderr()).contains("uninstall-slow (finalizers: foregroundDeletion)");
            assertThat(daemonSetNames()).contains("storageprobe-agent-uninstall-slow");

            admin.apps()
                    .daemonSets()
                    .inNamespace(chart.namespace())
                    .withName("storageprobe-agent-uninstall-slow")
                    .edit(d -> {
                        d.getMetadata().setFinalizers(List.of());
                        return d;
                    });
            Command.Result done = deleteProbes("--timeout", "90s");

            assertThat(done.exitCode()).as(done.stderr()).isZero();
            assertThat(daemonSetNames()).isEmpty();
            assertThat(admin.resources(StorageProbe.class).list().getItems()).isEmpty();
        }
    }

    @Test
    void withoutAnOperatorItGivesUpAtItsTimeoutNamingWhatIsLeft() {
        // A finalizer nobody removes: what an uninstalled or stopped operator leaves.
        probe("uninstall-held", null, List.of("storageprobe.io/held-by-test"));
        try {
            Command.Result result = deleteProbes("--timeout", "3s");

            assertThat(result.exitCode()).isEqualTo(1);
            // (The garbage collector's foregroundDeletion finalizer may still be listed too: it drops it
            // on its own schedule, there being no dependents.)
            assertThat(result.stderr())
                    .startsWith("storageprobe-operator delete-probes: StorageProbes still there after 3s: "
                            + "uninstall-held (finalizers: storageprobe.io/held-by-test")
                    .contains("is its Deployment running?")
                    .doesNotContain("\tat ")
                    .hasLineCount(1);
            // Deleted, but held by the finalizer: Terminating.
            assertThat(admin.resources(StorageProbe.class)
                            .withName("uninstall-held")
                            .get()
                            .getMetadata()
                            .getDeletionTimestamp())
                    .isNotNull();
        } finally {
            admin.resources(StorageProbe.class).withName("uninstall-held").edit(p -> {
                p.getMetadata().setFinalizers(List.of());
                return p;
            });
            await().atMost(TIMEOUT)
                    .until(() -> admin.resources(StorageProbe.class)
                                    .withName("uninstall-held")
                                    .get()
                            == null);
        }
    }

    @Test
    void withNoProbesItSaysSoAndSucceeds() {
        Command.Result result = deleteProbes();
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .isEqualTo("storageprobe-operator delete-probes: no StorageProbes: nothing to delete\n");
    }

    /** The command in its own JVM, configured only by the environment a pod would give it. */
    private Command.Result deleteProbes(String... args) {
        String account = admin.serviceAccounts()
                .inNamespace(chart.namespace())
                .withLabel("app.kubernetes.io/component", "uninstall-hook")
                .list()
                .getItems()
                .get(0)
                .getMetadata()
                .getName();
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OperatorMain.class.getName(),
                "delete-probes"));
        command.addAll(List.of(args));
        return new Command(
                        command,
                        Map.of(
                                "KUBECONFIG",
                                        cluster.dir().resolve("no-kubeconfig").toString(),
                                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                                "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
                                "KUBERNETES_MASTER", cluster.url(),
                                "KUBERNETES_CERTS_CA_FILE", cluster.caCert().toString(),
                                "KUBERNETES_AUTH_TOKEN", cluster.token(chart.namespace(), account)))
                .run(Path.of("."), 3, TimeUnit.MINUTES);
    }

    private void probe(String name, NodeActions actions, List<String> finalizers) {
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(name);
        probe.getMetadata().setFinalizers(finalizers);
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", actions, null, null));
        admin.resource(probe).create();
    }

    private Node node() {
        return admin.nodes().withName(NODE).get();
    }

    private static boolean hasAffectedTaint(Node node) {
        return node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> StorageProbe.AFFECTED_TAINT.equals(t.getKey()));
    }

    private List<String> daemonSetNames() {
        return admin.apps().daemonSets().inNamespace(chart.namespace()).list().getItems().stream()
                .map(d -> d.getMetadata().getName())
                .toList();
    }
}
