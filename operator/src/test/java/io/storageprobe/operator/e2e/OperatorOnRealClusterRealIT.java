package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.reconciler.AgentDaemonSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link OperatorScenario} on a real control plane, each of the operator and the agents with
 * nothing but the token of the chart's ServiceAccount ({@link RealEnvironment}), and what only a
 * real server shows: its validation of the DaemonSet, the real DaemonSet controller's Pending pods
 * and garbage collector, kubectl's printer columns, and the audit log of every request. The Nodes
 * are real Node objects. No kubelet runs: the agent pods stay Pending until {@link KubeletStandIn}
 * reports them ready. The same scenario runs on the mock server in {@link OperatorEndToEndTest}.
 */
@ExtendWith(RealApiServer.class)
class OperatorOnRealClusterRealIT {
    private static final String PROBE = OperatorScenario.PROBE;
    private static final String LABEL = OperatorScenario.LABEL;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final RealEnvironment env;
    private final OperatorScenario scenario;
    private final ProbeView view;

    OperatorOnRealClusterRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.env = new RealEnvironment(cluster, chart, chart.operatorSettings());
        this.scenario = new OperatorScenario(env);
        this.view = scenario.view();
    }

    @BeforeEach
    void startOperator() {
        scenario.startOperator();
    }

    @AfterEach
    void stop() throws Exception {
        scenario.close();
    }

    @Test
    void labelsTaintsReportsRestartsAndCleansUpWithTheChartsRbacOnly() throws Exception {
        int auditMark = cluster.auditLog().size();
        // node-c has no labels at all: its first label patch must still apply (issue 9, third defect).
        admin.nodes()
                .resource(node("node-a", Map.of("kubernetes.io/hostname", "node-a")))
                .create();
        admin.nodes()
                .resource(node("node-b", Map.of("kubernetes.io/hostname", "node-b")))
                .create();
        admin.nodes().resource(node("node-c", Map.of())).create();
        scenario.createProbe(1);
        DaemonSet ds = scenario.daemonSetOwnedByTheProbe();
        theRealControllerMadeOnePendingPodPerNode(ds);
        scenario.readyWaitsForTheRollout();
        scenario.agentsStart(ds);
        scenario.everyNodeReports();
        kubectlShowsThePrinterColumns();
        nodeCLabelledTaintedAndPatchedWithoutARefusal(scenario.nodesLabelledAndNodeCTainted(), auditMark);
        operatorRestartRewritesNoDaemonSet();
        scenario.aNodeGoes();
        assertThat(scenario.agentProcess().log()).doesNotContain("403").doesNotContain("Forbidden");
        scenario.probeDeletedCleansUpTheNodes();
        theGarbageCollectorRemovesPodsAndResults();
        theChartsRbacAllowedEveryRequest(auditMark);
    }

    /**
     * The DaemonSet passed the real server's validation (privileged pod, hostPath volumes,
     * downward API) and the real DaemonSet controller made one Pending pod per node.
     */
    private void theRealControllerMadeOnePendingPodPerNode(DaemonSet ds) {
        assertThat(scenario.created().getMetadata().getFinalizers()).isNotEmpty();
        List<Pod> pods = await().atMost(TIMEOUT).until(() -> env.agentPods(ds), p -> p.size() == 3);
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(p.getSpec().getServiceAccountName()).isEqualTo(chart.agentServiceAccount());
            assertThat(p.getSpec().getContainers().get(0).getSecurityContext().getPrivileged())
                    .isTrue();
            assertThat(p.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o ->
                            assertThat(o.getUid()).isEqualTo(ds.getMetadata().getUid()));
        });
        // The controller pins each pod to its node by affinity (the scheduler would bind it).
        assertThat(pods)
                .extracting(p -> p.getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms()
                        .get(0)
                        .getMatchFields()
                        .get(0)
                        .getValues()
                        .get(0))
                .containsExactlyInAnyOrder("node-a", "node-b", "node-c");
    }

    /** kubectl as a user runs it: the printer columns and the schema come from the server. */
    private void kubectlShowsThePrinterColumns() throws Exception {
        String table = cluster.kubectl("get", "storageprobes").orThrow().stdout();
        System.out.println("KUBECTL GET\n" + table);
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "NODES", "REPORTED", "AFFECTED", "LATENT", "ERRORS", "QEMU", "READY", "AGE");
        // No KubeVirt here and no spec.qemu: no QEMU in force, an empty QEMU column (kubectl 1.20).
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).matches("vmdisks +3 +3 +1 +0 +0 +True +\\S+");
    }

    /**
     * node-c had only kubelet's os and arch labels (a node without them runs no agent): it has its
     * verdict now, the server's own taint is left alone, and no node patch was refused as invalid.
     */
    private void nodeCLabelledTaintedAndPatchedWithoutARefusal(Node nodeC, int auditMark) {
        Map<String, String> nodeCLabels = new java.util.HashMap<>(LinuxNodes.LABELS);
        nodeCLabels.put(LABEL, "Affected");
        assertThat(view.labels("node-c")).containsExactlyInAnyOrderEntriesOf(nodeCLabels);
        assertThat(nodeC.getSpec().getTaints())
                .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/not-ready"));
        assertThat(scenario.verdictEvents("node-c", "VerdictAffected")).isEqualTo(1);
        // node-c's first patch (an add under its missing /metadata/labels) used to be refused, and
        // only the GET-and-edit fallback labelled it. A 409 is legitimate here: the
        // controller-manager's TTL controller annotates every new node.
        AuditLog nodeWrites = cluster.auditLog()
                .since(auditMark)
                .by(chart.operatorUser())
                .filter(e -> e.resource().equals("nodes")
                        && !e.verb().equals("list")
                        && !e.verb().equals("watch"));
        System.out.println("OPERATOR NODE REQUESTS " + nodeWrites.entries());
        assertThat(nodeWrites.withCode(422).entries()).isEmpty();
        assertThat(nodeWrites
                        .filter(e -> e.name().equals("node-c") && e.verb().equals("patch"))
                        .withCode(200)
                        .entries())
                .isNotEmpty();
    }

    /** The restart changes nothing (OperatorScenario), and the DaemonSet is not rewritten. */
    private void operatorRestartRewritesNoDaemonSet() throws Exception {
        Long dsGeneration = view.daemonSet(PROBE).getMetadata().getGeneration();
        String dsHash = view.daemonSet(PROBE).getMetadata().getAnnotations().get(AgentDaemonSet.SPEC_HASH_ANNOTATION);
        scenario.operatorRestartChangesNothing();
        assertThat(scenario.verdictEvents("node-c", "VerdictAffected")).isEqualTo(1);
        assertThat(view.daemonSet(PROBE).getMetadata().getGeneration()).isEqualTo(dsGeneration);
        assertThat(view.daemonSet(PROBE).getMetadata().getAnnotations())
                .containsEntry(AgentDaemonSet.SPEC_HASH_ANNOTATION, dsHash);
    }

    /** The finalizer ran; the real garbage collector removes the DaemonSet's pods, the operator the results. */
    private void theGarbageCollectorRemovesPodsAndResults() {
        await().atMost(TIMEOUT)
                .until(() -> admin.pods()
                        .inNamespace(chart.namespace())
                        .list()
                        .getItems()
                        .isEmpty());
        await().atMost(TIMEOUT)
                .until(() -> admin.resources(StorageProbeResult.class)
                        .list()
                        .getItems()
                        .isEmpty());
    }

    /** Everything the operator and the agents asked for, the chart's RBAC allowed. */
    private void theChartsRbacAllowedEveryRequest(int auditMark) {
        AuditLog all = cluster.auditLog().since(auditMark);
        assertThat(all.by(chart.operatorUser()).size()).isPositive();
        assertThat(all.by(chart.agentUser()).size()).isPositive();
        assertThat(all.by(chart.operatorUser()).withCode(403).entries()).isEmpty();
        assertThat(all.by(chart.agentUser()).withCode(403).entries()).isEmpty();
        System.out.println("OPERATOR REQUESTS BY CODE " + byCode(all.by(chart.operatorUser())));
        System.out.println("AGENT REQUESTS BY CODE " + byCode(all.by(chart.agentUser())));
    }

    private static Map<Integer, Long> byCode(AuditLog log) {
        return log.entries().stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        AuditLog.Entry::code, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static Node node(String name, Map<String, String> labels) {
        return LinuxNodes.named(name)
                .editMetadata()
                .addToLabels(labels)
                .endMetadata()
                .build();
    }
}
