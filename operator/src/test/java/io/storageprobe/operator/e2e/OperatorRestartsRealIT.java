package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.Command;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.reconciler.AgentDaemonSet;
import io.storageprobe.operator.settings.OperatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens between operator processes on a real cluster: the DaemonSet a restarted operator
 * wants is the one already there (issue 9, second defect), and when the operator is gone the
 * real garbage collector removes what a StorageProbe owned.
 */
@ExtendWith(RealApiServer.class)
class OperatorRestartsRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int FRESH_JVMS = 6;

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final OperatorSettings settings;

    OperatorRestartsRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.settings = chart.operatorSettings();
    }

    @Test
    void everyOperatorJvmWantsTheDaemonSetAlreadyOnTheServer() throws Exception {
        // Selector and node selector with several keys: maps whose order a JVM could leak into the hash.
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("restarts");
        probe.setSpec(new StorageProbeSpec(
                Map.of("disk", "ssd", "zone", "a", "rack", "r1"),
                null,
                null,
                null,
                "1h",
                new NodeActions(true, NodeActions.TaintAction.None),
                null,
                null));
        admin.resource(probe).create();
        String onServer;
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, settings)) {
            DaemonSet ds = await().atMost(TIMEOUT).until(() -> daemonSet("restarts"), d -> d != null);
            onServer = ds.getMetadata().getAnnotations().get(AgentDaemonSet.SPEC_HASH_ANNOTATION);
        }
        // Each fresh JVM is a restarted operator: it reads the same probe back from the server.
        Path probeJson = Files.createTempFile("storageprobe-", ".json");
        try {
            Files.writeString(
                    probeJson,
                    Serialization.asJson(admin.resources(StorageProbe.class)
                            .withName("restarts")
                            .get()));
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < FRESH_JVMS; i++) {
                hashes.add(Command.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                DesiredHashPrinter.class.getName(),
                                settings.namespace(),
                                settings.agentImage(),
                                settings.agentServiceAccount(),
                                probeJson.toString())
                        .run(Path.of("."), 2, TimeUnit.MINUTES)
                        .orThrow()
                        .stdout()
                        .strip());
            }
            assertThat(hashes).as("desired hash per operator JVM").containsOnly(onServer);
        } finally {
            Files.delete(probeJson);
        }
    }

    @Test
    void withTheOperatorGoneTheGarbageCollectorRemovesWhatAProbeOwned() throws Exception {
        admin.nodes().resource(LinuxNodes.named("gc-node").build()).create();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("orphans");
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
        admin.resource(probe).create();
        DaemonSet ds;
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, settings)) {
            ds = await().atMost(TIMEOUT).until(() -> daemonSet("orphans"), d -> d != null);
            await().atMost(TIMEOUT)
                    .until(() -> !admin.pods()
                            .inNamespace(chart.namespace())
                            .withLabel(StorageProbe.PROBE_LABEL, "orphans")
                            .list()
                            .getItems()
                            .isEmpty());
        }
        StorageProbe stored =
                admin.resources(StorageProbe.class).withName("orphans").get();
        // A result as an agent writes it: owned by the probe.
        StorageProbeResult result = new StorageProbeResult();
        result.getMetadata().setName(StorageProbeResult.nameFor("orphans", "gc-node"));
        result.getMetadata().setOwnerReferences(List.of(AgentDaemonSet.ownerReference(stored)));
        admin.resource(result).create();

        // The operator is gone, so nobody runs its finalizer: an admin removes it and deletes the probe.
        admin.resources(StorageProbe.class).withName("orphans").edit(p -> {
            p.getMetadata().setFinalizers(null);
            return p;
        });
        admin.resources(StorageProbe.class).withName("orphans").delete();
        await().atMost(TIMEOUT).until(() -> daemonSet("orphans") == null);
        await().atMost(TIMEOUT)
                .until(() -> admin.resources(StorageProbeResult.class)
                                .withName(result.getMetadata().getName())
                                .get()
                        == null);
        await().atMost(TIMEOUT)
                .until(() -> admin.pods()
                        .inNamespace(chart.namespace())
                        .withLabel(StorageProbe.PROBE_LABEL, "orphans")
                        .list()
                        .getItems()
                        .isEmpty());
        assertThat(ds.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o ->
                        assertThat(o.getUid()).isEqualTo(stored.getMetadata().getUid()));
    }

    private DaemonSet daemonSet(String probe) {
        return admin.apps()
                .daemonSets()
                .inNamespace(chart.namespace())
                .withName("storageprobe-agent-" + probe)
                .get();
    }
}
