package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.daemon.EngineProbeRunner;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.api.v1alpha1.Targets;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.StorageProbeOperator;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.http.OperatorHttpServer;
import io.storageprobe.operator.reconciler.AgentDaemonSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator and its agents on a real control plane, each with nothing but the token of the
 * chart's ServiceAccount: the operator in this JVM, node-a's agent in this JVM probing a real
 * 4K-sector loop device, node-b's agent as the shipped jar in its own process, node-c's agent
 * replaying a Debian 6.1 kernel's measured facts (Affected). The Nodes are real Node objects;
 * the DaemonSet controller and the garbage collector are the real ones. No kubelet runs: the
 * agent pods are created and stay Pending until {@link KubeletStandIn} reports them ready.
 */
@ExtendWith(RealApiServer.class)
class OperatorOnRealClusterRealIT {
    private static final String PROBE = "vmdisks";
    private static final String LABEL = "verdict.storageprobe.io/" + PROBE;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Path AGENT_JAR = Path.of(System.getProperty("storageprobe.agent.jar", "../probe-agent/target/storageprobe.jar"));

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;
    private final OperatorSettings settings;
    private StorageProbeOperator operator;
    private OperatorHttpServer operatorHttp;
    private KubernetesClient operatorClient;
    private final List<LoopDevice> loops = new ArrayList<>();
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private AgentProcess agentProcess;

    OperatorOnRealClusterRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
        this.settings = chart.operatorSettings();
    }

    @BeforeEach
    void startOperator() throws Exception {
        // A fresh token per start, as a restarted pod would get.
        operatorClient = cluster.clientWithToken(cluster.token(chart.namespace(), chart.operatorServiceAccount()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        operator = StorageProbeOperator.start(operatorClient, settings, registry);
        operatorHttp = OperatorHttpServer.start(0, registry, operator::ready);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (SimulatedAgent agent : agents) {
                agent.close();
            }
            if (agentProcess != null) {
                agentProcess.close();
                System.out.println("AGENT PROCESS LOG (node-b)\n" + agentProcess.log());
            }
            stopOperator();
        } finally {
            for (LoopDevice loop : loops) {
                loop.close();
            }
        }
    }

    private void stopOperator() {
        if (operator != null) {
            operator.close();
            operatorHttp.close();
            operatorClient.close();
            operator = null;
        }
    }

    @Test
    void labelsTaintsReportsRestartsAndCleansUpWithTheChartsRbacOnly() throws Exception {
        int auditMark = cluster.auditLog().size();
        loops.add(LoopDevice.create(4096));
        // node-c has no labels at all: its first label patch must still apply (issue 9, third defect).
        admin.nodes().resource(node("node-a", Map.of("kubernetes.io/hostname", "node-a"))).create();
        admin.nodes().resource(node("node-b", Map.of("kubernetes.io/hostname", "node-b"))).create();
        admin.nodes().resource(node("node-c", Map.of())).create();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(null, null,
                new Targets(new DeviceTargets(List.of(loops.get(0).name()), List.of()), null, null),
                null, "1h", new NodeActions(true, NodeActions.TaintAction.NoSchedule), null, null));
        admin.resource(probe).create();

        // The DaemonSet passed the real server's validation (privileged pod, hostPath volumes,
        // downward API) and the real DaemonSet controller made one Pending pod per node.
        DaemonSet ds = await().atMost(TIMEOUT).until(() -> view.daemonSet(PROBE), d -> d != null);
        StorageProbe created = admin.resources(StorageProbe.class).withName(PROBE).get();
        assertThat(created.getMetadata().getFinalizers()).isNotEmpty();
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        List<Pod> pods = await().atMost(TIMEOUT).until(() -> agentPods(ds), p -> p.size() == 3);
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(p.getSpec().getServiceAccountName()).isEqualTo(chart.agentServiceAccount());
            assertThat(p.getSpec().getContainers().get(0).getSecurityContext().getPrivileged()).isTrue();
            assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(ds.getMetadata().getUid()));
        });
        // The controller pins each pod to its node by affinity (the scheduler would bind it).
        assertThat(pods).extracting(p -> p.getSpec().getAffinity().getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0)
                        .getMatchFields().get(0).getValues().get(0))
                .containsExactlyInAnyOrder("node-a", "node-b", "node-c");
        await().atMost(TIMEOUT).until(() -> view.condition(PROBE, ProbeCondition.READY)
                .map(c -> c.reason().equals("AgentsRollingOut")).orElse(false));

        // The agents, each with the agent ServiceAccount's token only.
        String agentToken = cluster.token(chart.namespace(), chart.agentServiceAccount());
        agents.add(new SimulatedAgent(cluster.clientWithToken(agentToken), PROBE, "node-a", new EngineProbeRunner()));
        assertThat(AGENT_JAR).as("the agent jar is made in the package phase: run mvn verify").exists();
        agentProcess = new AgentProcess(AGENT_JAR, cluster.url(), PROBE, "node-b", Path.of("target", "agent-logs"), Map.of(
                "KUBERNETES_TRUST_CERTIFICATES", "false",
                "KUBERNETES_CERTS_CA_FILE", cluster.caCert().toString(),
                "KUBERNETES_AUTH_TOKEN", agentToken));
        agents.add(new SimulatedAgent(cluster.clientWithToken(agentToken), PROBE, "node-c", new ReplayProbeRunner("6.1.0-50-amd64")));
        KubeletStandIn.reportReady(admin, pods);

        StorageProbeStatus status = await().atMost(TIMEOUT).until(() -> view.status(PROBE),
                s -> s != null && s.summary() != null && s.summary().nodesReported() == 3
                        && view.condition(s, ProbeCondition.READY).map(c -> c.status().equals("True")).orElse(false));
        assertThat(status.summary().compatible()).isEqualTo(2);
        assertThat(status.summary().affected()).isEqualTo(1);
        assertThat(status.affectedNodes()).singleElement().satisfies(a -> assertThat(a.node()).isEqualTo("node-c"));
        assertThat(view.condition(status, ProbeCondition.CONFORMANT)).get().satisfies(c -> assertThat(c.reason()).isEqualTo("NodesAffected"));

        // kubectl as a user runs it: the printer columns and the schema come from the server.
        String table = cluster.kubectl("get", "storageprobes").orThrow().stdout();
        System.out.println("KUBECTL GET\n" + table);
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "NODES", "REPORTED", "AFFECTED", "LATENT", "ERRORS", "QEMU", "READY", "AGE");
        // No KubeVirt here and no spec.qemu: no QEMU in force, an empty QEMU column (kubectl 1.20).
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).matches("vmdisks +3 +3 +1 +0 +0 +True +\\S+");

        // Labels on all three nodes, node-c (only kubelet's os and arch labels before: a node without
        // them runs no agent) included; the taint on node-c only.
        await().atMost(TIMEOUT).until(() -> view.labels("node-a").containsKey(LABEL) && view.labels("node-b").containsKey(LABEL)
                && view.labels("node-c").containsKey(LABEL));
        assertThat(view.labels("node-a")).containsEntry(LABEL, "Compatible").containsEntry("kubernetes.io/hostname", "node-a");
        Map<String, String> nodeCLabels = new java.util.HashMap<>(LinuxNodes.LABELS);
        nodeCLabels.put(LABEL, "Affected");
        assertThat(view.labels("node-c")).containsExactlyInAnyOrderEntriesOf(nodeCLabels);
        Node nodeC = admin.nodes().withName("node-c").get();
        assertThat(nodeC.getSpec().getTaints()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("storageprobe.io/affected");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        // The server's own taint on new nodes is left alone.
        assertThat(nodeC.getSpec().getTaints()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/not-ready"));
        await().atMost(TIMEOUT).until(() -> verdictEvents("node-c", "VerdictAffected") == 1);
        // No node patch was refused as invalid: node-c's first one (an add under its missing
        // /metadata/labels) used to be, and only the GET-and-edit fallback labelled it. A 409 is
        // legitimate here: the controller-manager's TTL controller annotates every new node.
        AuditLog nodeWrites = cluster.auditLog().since(auditMark).by(chart.operatorUser())
                .filter(e -> e.resource().equals("nodes") && !e.verb().equals("list") && !e.verb().equals("watch"));
        System.out.println("OPERATOR NODE REQUESTS " + nodeWrites.entries());
        assertThat(nodeWrites.withCode(422).entries()).isEmpty();
        assertThat(nodeWrites.filter(e -> e.name().equals("node-c") && e.verb().equals("patch")).withCode(200).entries()).isNotEmpty();

        // The operator restarts: conditions keep their times, no second event, the DaemonSet is not rewritten.
        String readySince = view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime();
        Long dsGeneration = view.daemonSet(PROBE).getMetadata().getGeneration();
        String dsHash = view.daemonSet(PROBE).getMetadata().getAnnotations().get(AgentDaemonSet.SPEC_HASH_ANNOTATION);
        stopOperator();
        startOperator();
        await().atMost(TIMEOUT).until(() -> operator.ready());
        await().atMost(TIMEOUT).until(() -> http("/metrics").contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Affected\"} 1"));
        assertThat(view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime()).isEqualTo(readySince);
        assertThat(verdictEvents("node-c", "VerdictAffected")).isEqualTo(1);
        assertThat(view.daemonSet(PROBE).getMetadata().getGeneration()).isEqualTo(dsGeneration);
        assertThat(view.daemonSet(PROBE).getMetadata().getAnnotations()).containsEntry(AgentDaemonSet.SPEC_HASH_ANNOTATION, dsHash);

        // A node goes (with its agent pod): its result is deleted and it no longer counts.
        agentProcess.close();
        assertThat(agentProcess.log()).doesNotContain("403").doesNotContain("Forbidden");
        admin.nodes().withName("node-b").delete();
        await().atMost(TIMEOUT).until(() -> admin.resources(StorageProbeResult.class).withName("vmdisks.node-b").get() == null);
        await().atMost(TIMEOUT).until(() -> view.status(PROBE).summary().nodesTargeted() == 2 && view.status(PROBE).summary().nodesReported() == 2);

        // The probe is deleted: the finalizer takes labels, taint and annotation off the nodes;
        // DaemonSet and results go, and the garbage collector removes the DaemonSet's pods.
        admin.resources(StorageProbe.class).withName(PROBE).delete();
        await().atMost(TIMEOUT).until(() -> admin.resources(StorageProbe.class).withName(PROBE).get() == null);
        for (String name : List.of("node-a", "node-c")) {
            Node n = admin.nodes().withName(name).get();
            assertThat(n.getMetadata().getLabels()).doesNotContainKey(LABEL);
            assertThat(n.getMetadata().getAnnotations()).doesNotContainKey(StorageProbe.MANAGED_LABELS_ANNOTATION);
            assertThat(n.getSpec().getTaints()).noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        }
        assertThat(view.labels("node-a")).containsEntry("kubernetes.io/hostname", "node-a");
        assertThat(view.daemonSet(PROBE)).isNull();
        await().atMost(TIMEOUT).until(() -> admin.pods().inNamespace(chart.namespace()).list().getItems().isEmpty());
        await().atMost(TIMEOUT).until(() -> admin.resources(StorageProbeResult.class).list().getItems().isEmpty());

        // Everything the operator and the agents asked for, the chart's RBAC allowed.
        AuditLog all = cluster.auditLog().since(auditMark);
        assertThat(all.by(chart.operatorUser()).size()).isPositive();
        assertThat(all.by(chart.agentUser()).size()).isPositive();
        assertThat(all.by(chart.operatorUser()).withCode(403).entries()).isEmpty();
        assertThat(all.by(chart.agentUser()).withCode(403).entries()).isEmpty();
        System.out.println("OPERATOR REQUESTS BY CODE " + byCode(all.by(chart.operatorUser())));
        System.out.println("AGENT REQUESTS BY CODE " + byCode(all.by(chart.agentUser())));
    }

    private static Map<Integer, Long> byCode(AuditLog log) {
        return log.entries().stream().collect(java.util.stream.Collectors.groupingBy(AuditLog.Entry::code,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private List<Pod> agentPods(DaemonSet ds) {
        return admin.pods().inNamespace(chart.namespace()).withLabels(ds.getSpec().getSelector().getMatchLabels()).list().getItems();
    }

    private String http(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + operatorHttp.port() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private long verdictEvents(String node, String reason) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(node) && e.getReason().equals(reason)).count();
    }






    private static Node node(String name, Map<String, String> labels) {
        return LinuxNodes.named(name).editMetadata().addToLabels(labels).endMetadata().build();
    }
}
