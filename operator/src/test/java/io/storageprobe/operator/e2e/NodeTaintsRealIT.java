package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.StorageProbeOperator;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator watches Nodes as metadata only (no spec, so no taints): on a real API server, a
 * probe's taint still comes on an Affected node and goes when the probe turns taints off, a
 * taint someone else put there stays, and a probe that names tolerations still counts as
 * targeted only the nodes whose taints it tolerates (the taint informer started for it).
 */
@ExtendWith(RealApiServer.class)
class NodeTaintsRealIT {
    private static final String PROBE = "mdtaints";
    private static final String TAINT = "storageprobe.io/affected";
    private static final Map<String, String> SELECTOR = Map.of("storageprobe.io/test", "node-taints");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;
    private KubernetesClient operatorClient;
    private StorageProbeOperator operator;
    private SimulatedAgent agent;

    NodeTaintsRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            admin.resources(StorageProbe.class).withName(PROBE).delete();
            await().atMost(TIMEOUT)
                    .until(() ->
                            admin.resources(StorageProbe.class).withName(PROBE).get() == null);
        } finally {
            if (operator != null) {
                operator.close();
                operatorClient.close();
            }
            // Later test classes share this control plane: no node of ours is left to count.
            admin.nodes().withLabels(SELECTOR).delete();
        }
    }

    @Test
    void taintsComeAndGoOnNodesWatchedAsMetadataAndTolerationsStillSelectNodes() throws Exception {
        // node-dedicated carries a taint the probe does not tolerate: its agent never runs there.
        admin.nodes()
                .resource(LinuxNodes.named("md-affected")
                        .editMetadata()
                        .addToLabels(SELECTOR)
                        .endMetadata()
                        .build())
                .create();
        admin.nodes()
                .resource(LinuxNodes.named("md-dedicated")
                        .editMetadata()
                        .addToLabels(SELECTOR)
                        .endMetadata()
                        .withNewSpec()
                        .addNewTaint()
                        .withKey("dedicated")
                        .withValue("db")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()
                        .build())
                .create();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        // The API server's own taints on new nodes are tolerated, as a DaemonSet's pods tolerate them.
        // Not the probe's own taint: the operator always tolerates that one (else the tainted node
        // would leave the probe's targets, lose its verdict and taint, and gain them back, over and over).
        List<ProbeToleration> tolerations = List.of(
                new ProbeToleration(
                        "node.kubernetes.io/not-ready", ProbeToleration.TolerationOperator.Exists, null, null, null),
                new ProbeToleration(
                        "node.kubernetes.io/unreachable", ProbeToleration.TolerationOperator.Exists, null, null, null));
        probe.setSpec(new StorageProbeSpec(
                SELECTOR,
                tolerations,
                null,
                null,
                "1h",
                new NodeActions(true, NodeActions.TaintAction.NoSchedule),
                null,
                null));
        admin.resource(probe).create();
        operatorClient = cluster.clientWithToken(cluster.token(chart.namespace(), chart.operatorServiceAccount()));
        int startMark = cluster.auditLog().size();
        operator = StorageProbeOperator.start(
                operatorClient, chart.operatorSettings(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

        StorageProbeStatus targeted =
                awaitStatus(s -> s.summary() != null && s.summary().nodesTargeted() == 1);
        assertThat(targeted.summary().nodesTargeted())
                .as("md-dedicated's taint is not tolerated")
                .isEqualTo(1);
        // Both Node informers (metadata, taints) and the results' list in pages: at 5,000 nodes one
        // unpaged response each ran a 128 MiB heap out of memory (docs/performance.md).
        AuditLog firstLists = cluster.auditLog()
                .since(startMark)
                .by(chart.operatorUser())
                .filter(e -> e.verb().equals("list")
                        && (e.resource().equals("nodes") || e.resource().equals("storageproberesults")));
        assertThat(firstLists.entries())
                .extracting(AuditLog.Entry::resource)
                .contains("storageproberesults")
                .filteredOn("nodes"::equals)
                .as("the metadata and the taint informer's lists")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(firstLists.entries())
                .extracting(AuditLog.Entry::uri)
                .allSatisfy(uri -> assertThat(uri).contains("limit=500"));
        List<Pod> pods = await().atMost(TIMEOUT)
                .until(
                        () -> admin.pods()
                                .inNamespace(chart.namespace())
                                .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                                .list()
                                .getItems(),
                        p -> p.size() == 1);
        // No scheduler here: the DaemonSet controller's node affinity names the node.
        assertThat(pods.get(0)
                        .getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms())
                .singleElement()
                .satisfies(t -> assertThat(t.getMatchFields())
                        .singleElement()
                        .satisfies(f -> assertThat(f.getValues()).containsExactly("md-affected")));
        agent = new SimulatedAgent(
                cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount())),
                PROBE,
                "md-affected",
                new ReplayProbeRunner("6.1.0-50-amd64"));
        KubeletStandIn.reportReady(admin, pods);

        // Affected: labelled and tainted, the server's own taints left as they are.
        await().atMost(TIMEOUT).until(() -> ourTaint(node("md-affected")) != null);
        Node affected = node("md-affected");
        assertThat(affected.getMetadata().getLabels()).containsEntry("verdict.storageprobe.io/" + PROBE, "Affected");
        assertThat(ourTaint(affected).getValue()).isEqualTo(PROBE);
        assertThat(ourTaint(affected).getEffect()).isEqualTo("NoSchedule");
        assertThat(affected.getMetadata().getAnnotations().get(StorageProbe.MANAGED_LABELS_ANNOTATION))
                .contains("taint:" + TAINT + "=" + PROBE + ":NoSchedule");
        assertThat(node("md-dedicated").getSpec().getTaints())
                .extracting(Taint::getKey)
                .contains("dedicated")
                .doesNotContain(TAINT);
        assertThat(node("md-dedicated").getMetadata().getLabels())
                .doesNotContainKey("verdict.storageprobe.io/" + PROBE);
        int mark = cluster.auditLog().size();

        // The probe turns taints off: the taint goes, the label stays, and the other taints too.
        admin.resources(StorageProbe.class).withName(PROBE).edit(p -> {
            p.setSpec(new StorageProbeSpec(
                    p.getSpec().nodeSelector(),
                    p.getSpec().tolerations(),
                    p.getSpec().targets(),
                    p.getSpec().rules(),
                    p.getSpec().interval(),
                    new NodeActions(true, NodeActions.TaintAction.None),
                    p.getSpec().agent(),
                    p.getSpec().qemu()));
            return p;
        });
        await().atMost(TIMEOUT).until(() -> ourTaint(node("md-affected")) == null);
        Node untainted = node("md-affected");
        assertThat(untainted.getMetadata().getLabels()).containsEntry("verdict.storageprobe.io/" + PROBE, "Affected");
        assertThat(untainted.getMetadata().getAnnotations().get(StorageProbe.MANAGED_LABELS_ANNOTATION))
                .isEqualTo("verdict.storageprobe.io/" + PROBE);
        // The node was read whole for that (the informer has no taints), and only that node.
        AuditLog nodeReads = cluster.auditLog()
                .since(mark)
                .by(chart.operatorUser())
                .filter(e -> e.resource().equals("nodes") && e.verb().equals("get"));
        assertThat(nodeReads.entries()).extracting(AuditLog.Entry::name).containsOnly("md-affected");

        // The probe is deleted: its label and annotation leave the node, the server's taints stay.
        admin.resources(StorageProbe.class).withName(PROBE).delete();
        await().atMost(TIMEOUT)
                .until(() ->
                        !node("md-affected").getMetadata().getLabels().containsKey("verdict.storageprobe.io/" + PROBE));
        assertThat(node("md-dedicated").getSpec().getTaints())
                .extracting(Taint::getKey)
                .contains("dedicated")
                .doesNotContain(TAINT);
    }

    private Node node(String name) {
        return admin.nodes().withName(name).get();
    }

    private static Taint ourTaint(Node node) {
        return node.getSpec().getTaints() == null
                ? null
                : node.getSpec().getTaints().stream()
                        .filter(t -> TAINT.equals(t.getKey()))
                        .findFirst()
                        .orElse(null);
    }

    private StorageProbeStatus awaitStatus(Predicate<StorageProbeStatus> condition) {
        return await().atMost(TIMEOUT).until(() -> view.status(PROBE), s -> s != null && condition.test(s));
    }
}
