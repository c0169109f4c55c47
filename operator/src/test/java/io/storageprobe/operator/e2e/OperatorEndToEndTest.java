package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.daemon.EngineProbeRunner;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.operator.qemu.KubeVirtLookup;
import io.storageprobe.api.result.Verdict;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.storageprobe.api.v1alpha1.AgentSpec;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.api.v1alpha1.Targets;
import io.storageprobe.operator.OperatorSettings;
import io.storageprobe.operator.StorageProbeOperator;
import io.storageprobe.operator.http.OperatorHttpServer;
import io.storageprobe.operator.reconciler.AgentDaemonSet;
import io.storageprobe.operator.schema.CrdSchemaValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator and real agents together, against the fabric8 mock API server (CRUD mode): no
 * real kube-apiserver can run on this machine, see {@link MockApiServer} for what the mock does
 * not do and how this test makes up for it.
 *
 * Three simulated nodes: node-a and node-b run the real agent probing two real 4K-sector loop
 * devices of this host (Compatible: this host's kernel 6.18 handles the split-vector read);
 * node-c replays the facts measured on a real Debian 6.1 kernel, which is Affected, because no
 * affected kernel can be booted under this test ({@link ReplayProbeRunner}).
 */
class OperatorEndToEndTest {
    private static final String NAMESPACE = "storageprobe-system";
    private static final String PROBE = "vmdisks";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final OperatorSettings SETTINGS = new OperatorSettings(NAMESPACE, "registry.example/storageprobe:test",
            "storageprobe-agent", "default", 0, Duration.ofSeconds(1), false);
    private static final Path AGENT_JAR = Path.of(System.getProperty("storageprobe.agent.jar", "../probe-agent/target/storageprobe.jar"));
    private static final Path CRDS = Path.of(System.getProperty("storageprobe.crds.dir", "../crds"));

    private MockApiServer api;
    private KubernetesClient client;
    private ProbeView view;
    private StorageProbeOperator operator;
    private OperatorHttpServer operatorHttp;
    private final List<LoopDevice> loops = new ArrayList<>();
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private AgentProcess agentProcess;

    @BeforeEach
    void start() throws Exception {
        api = new MockApiServer();
        client = api.newClient();
        view = new ProbeView(client, NAMESPACE);
        api.installCrds(client, CRDS);
        startOperator();
    }

    private void startOperator() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The mock server answers server-side apply with 415: JSON patches here only.
        operator = StorageProbeOperator.start(client, SETTINGS, registry, o -> o.withUseSSAToPatchPrimaryResource(false));
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
            if (operator != null) {
                operator.close();
            }
            if (operatorHttp != null) {
                operatorHttp.close();
            }
            if (client != null) {
                client.close();
            }
            if (api != null) {
                api.close();
            }
        } finally {
            // Detach only the loop devices this test attached, also when it or the shutdown above failed.
            for (LoopDevice loop : loops) {
                loop.close();
            }
        }
    }

    @Test
    void probesNodesAggregatesLabelsSurvivesApiOutageAndCleansUp() throws Exception {
        loops.add(LoopDevice.create(4096));
        loops.add(LoopDevice.create(4096));
        for (String name : List.of("node-a", "node-b", "node-c")) {
            client.nodes().resource(node(name)).create();
        }
        StorageProbe probe = probe(PROBE, new StorageProbeSpec(null, null,
                new Targets(new DeviceTargets(List.of(loops.get(0).name(), loops.get(1).name()), List.of()), null, null),
                null, "1h", new NodeActions(true, NodeActions.TaintAction.NoSchedule), null, null));
        client.resource(probe).create();

        // The operator makes the agent DaemonSet, owned by the probe.
        DaemonSet ds = await().atMost(TIMEOUT).until(() -> view.daemonSet(PROBE), d -> d != null);
        StorageProbe created = client.resources(StorageProbe.class).withName(PROBE).get();
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> {
                    assertThat(o.getKind()).isEqualTo("StorageProbe");
                    assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
                    assertThat(o.getController()).isTrue();
                });
        Container container = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsExactly("storageprobe", "agent", "--probe", PROBE);
        assertThat(container.getImage()).isEqualTo("registry.example/storageprobe:test");
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/dev", "/host/sys/block", "/host/sys/devices");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertThat(ds.getSpec().getTemplate().getSpec().getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("10%");
        assertThat(ds.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("storageprobe-agent");

        // Before any agent runs: Ready=False while the DaemonSet rolls out.
        await().atMost(TIMEOUT).until(() -> view.condition(PROBE, ProbeCondition.READY)
                .map(c -> c.reason().equals("AgentsRollingOut")).orElse(false));

        // The agents start on their nodes; the DaemonSet controller (played here) reports the rollout.
        agents.add(new SimulatedAgent(api.newClient(), PROBE, "node-a", new EngineProbeRunner()));
        // node-b runs the shipped agent jar as its own process, as a pod would.
        assertThat(AGENT_JAR).as("the agent jar is made in the package phase: run mvn verify").exists();
        agentProcess = new AgentProcess(AGENT_JAR, client.getMasterUrl().toString(), PROBE, "node-b", Path.of("target", "agent-logs"));
        ReplayProbeRunner nodeCKernel = new ReplayProbeRunner("6.1.0-50-amd64");
        agents.add(new SimulatedAgent(api.newClient(), PROBE, "node-c", nodeCKernel));
        DaemonSetControllerStandIn.reportRolledOut(client, NAMESPACE, AgentDaemonSet.name(created), 3);

        StorageProbeStatus status = await().atMost(TIMEOUT).until(() -> view.status(PROBE),
                s -> s != null && s.summary() != null && s.summary().nodesReported() == 3
                        && view.condition(s, ProbeCondition.READY).map(c -> c.status().equals("True")).orElse(false));
        assertThat(status.summary().nodesTargeted()).isEqualTo(3);
        assertThat(status.summary().compatible()).isEqualTo(2);
        assertThat(status.summary().affected()).isEqualTo(1);
        assertThat(status.summary().error()).isZero();
        assertThat(status.affectedNodes()).singleElement().satisfies(a -> {
            assertThat(a.node()).isEqualTo("node-c");
            assertThat(a.kernelRelease()).isEqualTo("6.1.0-50-amd64");
            assertThat(a.failedRules()).contains("qemu-legacy-dio");
        });
        assertThat(status.affectedNodesTruncated()).isFalse();
        assertThat(view.condition(status, ProbeCondition.CONFORMANT)).get()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo("False");
                    assertThat(c.reason()).isEqualTo("NodesAffected");
                });
        System.out.println("STATUS " + client.getKubernetesSerialization().asYaml(status));

        // What kubectl get storageprobes shows: the CRD's printer columns on the stored object.
        PrinterColumns columns = new PrinterColumns(CRDS.resolve("storageprobes.storageprobe.io.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = client.getKubernetesSerialization().convertValue(
                client.resources(StorageProbe.class).withName(PROBE).get(), Map.class);
        assertThat(columns.header()).containsExactly("NAME", "NODES", "REPORTED", "AFFECTED", "LATENT", "ERRORS", "QEMU", "READY", "AGE");
        // No KubeVirt yet: no QEMU in force, the column stays empty.
        assertThat(columns.row(stored)).containsExactly("vmdisks", "3", "3", "1", "0", "0", "", "True", "set");
        System.out.println("KUBECTL\n" + PrinterColumns.format(List.of(columns.header(), columns.row(stored))));

        // Results: one per node, named <probe>.<node>, labelled, owned by the probe.
        List<StorageProbeResult> results = client.resources(StorageProbeResult.class)
                .withLabel(StorageProbe.PROBE_LABEL, PROBE).list().getItems();
        assertThat(results).extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder("vmdisks.node-a", "vmdisks.node-b", "vmdisks.node-c");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getMetadata().getLabels()).containsEntry(StorageProbe.NODE_LABEL, r.getSpec().node());
            assertThat(r.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        });
        // What the agents and the operator write fits the CRDs: valid, and nothing the API server would prune.
        CrdSchemaValidator resultSchema = new CrdSchemaValidator(CRDS.resolve("storageproberesults.storageprobe.io.yaml"));
        for (StorageProbeResult r : results) {
            @SuppressWarnings("unchecked")
            Map<String, Object> asMap = client.getKubernetesSerialization().convertValue(r, Map.class);
            assertThat(resultSchema.validate(asMap)).as(r.getMetadata().getName()).isEmpty();
            assertThat(resultSchema.unknownFields(asMap)).as(r.getMetadata().getName()).isEmpty();
        }
        CrdSchemaValidator probeSchema = new CrdSchemaValidator(CRDS.resolve("storageprobes.storageprobe.io.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> probeMap = client.getKubernetesSerialization().convertValue(
                client.resources(StorageProbe.class).withName(PROBE).get(), Map.class);
        assertThat(probeSchema.validate(probeMap)).isEmpty();
        assertThat(probeSchema.unknownFields(probeMap)).isEmpty();

        StorageProbeResult realA = results.stream().filter(r -> r.getSpec().node().equals("node-a")).findFirst().orElseThrow();
        assertThat(realA.getSpec().targets()).extracting(t -> t.name())
                .containsExactlyInAnyOrder(loops.get(0).name(), loops.get(1).name());
        assertThat(realA.getSpec().verdict()).isEqualTo(Verdict.Compatible);
        assertThat(realA.getSpec().targets().get(0).facts().logicalBlockSize()).isEqualTo(4096);

        // Node labels and the taint, only on the nodes and keys the operator owns.
        await().atMost(TIMEOUT).until(() -> view.labels("node-c").containsKey("verdict.storageprobe.io/vmdisks")
                && view.labels("node-a").containsKey("verdict.storageprobe.io/vmdisks"));
        assertThat(view.labels("node-a")).containsEntry("verdict.storageprobe.io/vmdisks", "Compatible")
                .containsEntry("kubernetes.io/hostname", "node-a");
        assertThat(view.labels("node-c")).containsEntry("verdict.storageprobe.io/vmdisks", "Affected");
        Node nodeC = client.nodes().withName("node-c").get();
        assertThat(nodeC.getSpec().getTaints()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("storageprobe.io/affected");
            assertThat(t.getValue()).isEqualTo(PROBE);
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(nodeC.getMetadata().getAnnotations().get(StorageProbe.MANAGED_LABELS_ANNOTATION))
                .isEqualTo("taint:storageprobe.io/affected=vmdisks:NoSchedule,verdict.storageprobe.io/vmdisks");
        assertThat(client.nodes().withName("node-a").get().getSpec().getTaints()).isNullOrEmpty();
        await().atMost(TIMEOUT).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> e.getInvolvedObject().getName().equals("node-c") && e.getReason().equals("VerdictAffected")));

        // No KubeVirt yet: every rule counts, and the status says why.
        assertThat(view.status(PROBE).qemu()).satisfies(q -> {
            assertThat(q.version()).isNull();
            assertThat(q.message()).contains("every rule counts");
        });
        // KubeVirt v1.5 (QEMU 9.1) installed: node-c's qemu-legacy-dio failure cannot break it.
        // The node turns Compatible without a new probe or a touch of the StorageProbe.
        kubevirt("v1.5.2");
        await().atMost(TIMEOUT).until(() -> "Compatible".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        StorageProbeStatus upgraded = await().atMost(TIMEOUT).until(() -> view.status(PROBE), s -> s.summary().affected() == 0);
        assertThat(upgraded.qemu()).isEqualTo(new QemuInForce("9.1.0", QemuInForce.KUBEVIRT, "KubeVirt v1.5.2 ships QEMU 9.1.0 (kubevirt#13641, #16291)"));
        assertThat(upgraded.summary().latent()).isEqualTo(1);
        assertThat(upgraded.latentNodes()).singleElement().satisfies(l -> {
            assertThat(l.node()).isEqualTo("node-c");
            assertThat(l.failedRules()).containsExactly("qemu-legacy-dio");
        });
        assertThat(view.condition(upgraded, ProbeCondition.CONFORMANT)).get().satisfies(c -> assertThat(c.status()).isEqualTo("True"));
        await().atMost(TIMEOUT).until(() -> client.nodes().withName("node-c").get().getSpec().getTaints() == null
                || client.nodes().withName("node-c").get().getSpec().getTaints().isEmpty());
        // The agent reads status.qemu, judges for it and exports the finding as latent: no alert.
        String latentSeries = "{node=\"node-c\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\"vda\"}";
        await().atMost(TIMEOUT).until(() -> agents.get(1).get("/metrics").contains("storageprobe_rule_latent" + latentSeries + " 1"));
        assertThat(agents.get(1).get("/metrics"))
                .contains("storageprobe_rule_failed" + latentSeries + " 0")
                .contains("storageprobe_target_verdict{node=\"node-c\",probe=\"vmdisks\",target=\"vda\",verdict=\"Affected\"} 0");
        assertThat(client.resources(StorageProbeResult.class).withName("vmdisks.node-c").get().getSpec())
                .satisfies(r -> assertThat(r.qemu().version()).isEqualTo("9.1.0"))
                .satisfies(r -> assertThat(r.targets().get(0).latentFindings()).singleElement().asString()
                        .startsWith("qemu-legacy-dio fails, but QEMU 9.1.0 is not affected (fixed in 7.2)"));
        // Back to a KubeVirt whose QEMU predates 7.2: Affected and tainted again.
        kubevirt("v0.58.1");
        await().atMost(TIMEOUT).until(() -> "Affected".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        // The label is patched within the reconcile, the status written when it returns: wait for it.
        await().atMost(TIMEOUT).until(() -> view.status(PROBE).qemu().message().contains("older than 7.2"));
        await().atMost(TIMEOUT).until(() -> client.nodes().withName("node-c").get().getSpec().getTaints() != null
                && !client.nodes().withName("node-c").get().getSpec().getTaints().isEmpty());
        await().atMost(TIMEOUT).until(() -> agents.get(1).get("/metrics").contains("storageprobe_rule_failed" + latentSeries + " 1"));

        // Operator metrics: nodes per verdict, and JOSDK's reconcile metrics.
        String operatorMetrics = http(operatorHttp.port(), "/metrics");
        assertThat(operatorMetrics)
                .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Affected\"} 1")
                .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Compatible\"} 2")
                // Ready as a metric (StorageProbeNotReady), the interval for StorageProbeResultsStale.
                .contains("storageprobe_probe_ready{probe=\"vmdisks\",reason=\"AllNodesReported\"} 1")
                .contains("storageprobe_probe_interval_seconds{probe=\"vmdisks\"} 3600")
                .contains("operator_sdk_reconciliations");
        assertThat(http(operatorHttp.port(), "/healthz")).isEqualTo("ok\n");
        assertThat(http(operatorHttp.port(), "/readyz")).isEqualTo("ok\n");

        // Agent metrics, as design.md section 5 names them.
        String agentMetrics = agents.get(0).get("/metrics");
        String loop0 = loops.get(0).name();
        assertThat(agentMetrics).startsWith("200\n")
                .contains("storageprobe_target_verdict{node=\"node-a\",probe=\"vmdisks\",target=\"" + loop0 + "\",verdict=\"Compatible\"} 1")
                .contains("storageprobe_target_verdict{node=\"node-a\",probe=\"vmdisks\",target=\"" + loop0 + "\",verdict=\"Affected\"} 0")
                .contains("storageprobe_rule_failed{node=\"node-a\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\"" + loop0 + "\"} 0")
                .contains("storageprobe_target_alignment_bytes{kind=\"logical_block\",node=\"node-a\",probe=\"vmdisks\",target=\"" + loop0 + "\"} 4096")
                .contains("storageprobe_probe_duration_seconds_bucket{")
                .contains("storageprobe_probe_runs_total{node=\"node-a\",outcome=\"completed\",probe=\"vmdisks\"}")
                .contains("storageprobe_last_run_timestamp_seconds{node=\"node-a\",probe=\"vmdisks\"}")
                .contains("storageprobe_node_info{kernel_release=\"")
                .contains("# HELP storageprobe_target_verdict ");
        // Every series carries probe and node, and every metric has help text.
        assertThat(agentMetrics.lines().filter(l -> l.startsWith("storageprobe_")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("node=\"node-a\"").contains("probe=\"vmdisks\""));
        for (String metric : List.of("storageprobe_target_verdict", "storageprobe_rule_failed", "storageprobe_rule_latent",
                "storageprobe_target_alignment_bytes",
                "storageprobe_probe_duration_seconds", "storageprobe_probe_runs_total", "storageprobe_last_run_timestamp_seconds",
                "storageprobe_node_info")) {
            assertThat(agentMetrics).containsPattern("# HELP " + metric + " \\S");
        }
        // Names, types and label sets exactly as design.md section 5 lists them (labels sorted).
        Set<String> agentCatalog = MetricCatalog.of(agentMetrics, "storageprobe_");
        Set<String> operatorCatalog = MetricCatalog.of(operatorMetrics, "storageprobe_");
        // Written for the chart's metric-names.txt check: what running processes really export.
        java.nio.file.Files.writeString(Path.of("target", "metric-names.observed.txt"),
                String.join("\n", agentCatalog) + "\n" + String.join("\n", operatorCatalog) + "\n");
        assertThat(agentCatalog).containsExactlyInAnyOrder(
                "storageprobe_last_run_timestamp_seconds gauge node,probe",
                "storageprobe_node_info gauge kernel_release,node,probe",
                "storageprobe_probe_duration_seconds histogram node,probe",
                "storageprobe_probe_runs_total counter node,outcome,probe",
                "storageprobe_result_write_backoff_seconds gauge node,probe",
                "storageprobe_result_write_failures_total counter node,probe,reason",
                "storageprobe_rule_failed gauge node,probe,rule,target",
                "storageprobe_rule_latent gauge node,probe,rule,target",
                "storageprobe_target_alignment_bytes gauge kind,node,probe,target",
                "storageprobe_target_verdict gauge node,probe,target,verdict");
        assertThat(operatorCatalog).containsExactly("storageprobe_nodes gauge probe,verdict",
                "storageprobe_probe_interval_seconds gauge probe", "storageprobe_probe_ready gauge probe,reason");
        // The chart's alerts and dashboard are checked against charts/.../metric-names.txt; every
        // entry there must be exported for real by these running processes.
        Set<String> exported = new java.util.HashSet<>(agentCatalog);
        exported.addAll(operatorCatalog);
        // Only volume targets make the per-StorageClass series; StorageClassesRealIT checks that one.
        assertThat(chartMetricNames()).isNotEmpty().filteredOn(entry -> !entry.equals(StorageClassesRealIT.METRIC))
                .allSatisfy(entry -> assertThat(exported).contains(entry));
        assertThat(agents.get(1).get("/metrics"))
                .contains("storageprobe_rule_failed{node=\"node-c\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\"vda\"} 1")
                .contains("storageprobe_node_info{kernel_release=\"6.1.0-50-amd64\",node=\"node-c\",probe=\"vmdisks\"} 1");
        assertThat(agents.get(0).get("/healthz")).isEqualTo("200\nok\n");

        // The operator restarts: conditions keep their lastTransitionTime, and no node gets a second
        // "verdict changed" event (the previous verdict is read back from the node's label).
        String readySince = view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime();
        String conformantSince = view.condition(PROBE, ProbeCondition.CONFORMANT).orElseThrow().lastTransitionTime();
        long affectedEvents = verdictEvents("node-c", "VerdictAffected");
        operator.close();
        operatorHttp.close();
        startOperator();
        await().atMost(TIMEOUT).until(() -> http(operatorHttp.port(), "/metrics")
                .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Affected\"} 1"));
        assertThat(view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime()).isEqualTo(readySince);
        assertThat(view.condition(PROBE, ProbeCondition.CONFORMANT).orElseThrow().lastTransitionTime()).isEqualTo(conformantSince);
        assertThat(verdictEvents("node-c", "VerdictAffected")).isEqualTo(affectedEvents);

        // node-c reboots into a kernel that handles the split-vector read (7.3, also measured under
        // QEMU): its verdict, label, taint, event and the probe's Conformant condition follow.
        long compatibleEvents = verdictEvents("node-c", "VerdictCompatible");
        nodeCKernel.boot("7.3.4+deb13-amd64");
        await().atMost(TIMEOUT).until(() -> "Compatible".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        Node recovered = client.nodes().withName("node-c").get();
        assertThat(recovered.getSpec().getTaints() == null ? List.of() : recovered.getSpec().getTaints())
                .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        assertThat(recovered.getMetadata().getAnnotations()).containsEntry(StorageProbe.MANAGED_LABELS_ANNOTATION,
                "verdict.storageprobe.io/vmdisks");
        await().atMost(TIMEOUT).until(() -> verdictEvents("node-c", "VerdictCompatible") == compatibleEvents + 1
                && view.condition(PROBE, ProbeCondition.CONFORMANT).map(c -> c.status().equals("True")).orElse(false));
        assertThat(view.status(PROBE).affectedNodes()).isNullOrEmpty();
        assertThat(view.status(PROBE).summary().compatible()).isEqualTo(3);

        // The API server goes away under running agents: they keep probing and serving metrics,
        // and write their results once it is back.
        double runsBefore = runs(agents.get(0));
        api.stop();
        await().atMost(TIMEOUT).until(() -> runs(agents.get(0)) >= runsBefore + 2);
        assertThat(agents.get(0).get("/healthz")).isEqualTo("200\nok\n");
        Instant restarted = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        api.start();
        await().atMost(TIMEOUT).until(() -> {
            StorageProbeResult r = client.resources(StorageProbeResult.class).withName("vmdisks.node-a").get();
            return r != null && !Instant.parse(r.getSpec().probeTime()).isBefore(restarted);
        });

        // An invalid spec the schema would have rejected (the mock validates nothing): InvalidSpec, no DaemonSet.
        client.resource(probe("badprobe", new StorageProbeSpec(null, null, null, null, "30s", null, null, null))).create();
        ProbeCondition invalid = await().atMost(TIMEOUT).until(() -> view.condition("badprobe", ProbeCondition.READY).orElse(null),
                c -> c != null && c.reason().equals("InvalidSpec"));
        assertThat(invalid.status()).isEqualTo("False");
        assertThat(invalid.message()).contains("spec.interval");
        assertThat(view.daemonSet("badprobe")).isNull();
        // Fixed, it gets its DaemonSet; broken again, the DaemonSet goes (no agents with a spec nobody can honour).
        setInterval("badprobe", "2h");
        await().atMost(TIMEOUT).until(() -> view.daemonSet("badprobe") != null);
        setInterval("badprobe", "soon");
        await().atMost(TIMEOUT).until(() -> view.daemonSet("badprobe") == null
                && view.condition("badprobe", ProbeCondition.READY).map(c -> c.message().contains("spec.interval")).orElse(false));
        client.resources(StorageProbe.class).withName("badprobe").delete();

        // The agent process serves its metrics too, and survived the outage.
        assertThat(agentProcess.alive()).as(agentProcess.log()).isTrue();
        assertThat(agentProcess.get("/metrics")).startsWith("200\n")
                .contains("storageprobe_target_verdict{node=\"node-b\",probe=\"vmdisks\",target=\"" + loop0 + "\",verdict=\"Compatible\"} 1");
        assertThat(agentProcess.get("/healthz")).isEqualTo("200\nok\n");

        // A node is deleted (its agent pod goes with it): its result is deleted and it no longer counts.
        agentProcess.close();
        client.nodes().withName("node-b").delete();
        await().atMost(TIMEOUT).until(() -> client.resources(StorageProbeResult.class).withName("vmdisks.node-b").get() == null);
        await().atMost(TIMEOUT).until(() -> view.status(PROBE).summary().nodesTargeted() == 2
                && view.status(PROBE).summary().nodesReported() == 2);

        // A spec change reaches the DaemonSet: the operator replaces it, still one per probe.
        client.resources(StorageProbe.class).withName(PROBE).edit(p -> {
            p.setSpec(new StorageProbeSpec(p.getSpec().nodeSelector(), p.getSpec().tolerations(), p.getSpec().targets(),
                    p.getSpec().rules(), p.getSpec().interval(), p.getSpec().nodeActions(),
                    new AgentSpec("registry.example/storageprobe:next", null, "system-node-critical"), null));
            return p;
        });
        DaemonSet changed = await().atMost(TIMEOUT).until(() -> view.daemonSet(PROBE), d -> d != null
                && d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().equals("registry.example/storageprobe:next"));
        assertThat(changed.getSpec().getTemplate().getSpec().getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(changed.getMetadata().getUid()).isEqualTo(ds.getMetadata().getUid());

        // The probe is deleted: labels, taint and annotation leave the nodes; DaemonSet and results go.
        client.resources(StorageProbe.class).withName(PROBE).delete();
        await().atMost(TIMEOUT).until(() -> client.resources(StorageProbe.class).withName(PROBE).get() == null);
        for (String name : List.of("node-a", "node-c")) {
            Node n = client.nodes().withName(name).get();
            assertThat(n.getMetadata().getLabels()).doesNotContainKey("verdict.storageprobe.io/vmdisks")
                    .containsEntry("kubernetes.io/hostname", name);
            assertThat(n.getMetadata().getAnnotations() == null ? Map.of() : n.getMetadata().getAnnotations())
                    .doesNotContainKey(StorageProbe.MANAGED_LABELS_ANNOTATION);
            assertThat(n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints())
                    .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        }
        assertThat(view.daemonSet(PROBE)).isNull();
        // Running agents notice the probe is gone and stop writing. A write racing the deletion is
        // the garbage collector's to remove (the result's owner is gone); the mock has none, so the
        // test removes such orphans once, then checks that no agent writes again.
        GarbageCollectorStandIn.deleteDependentsOf(client, created.getMetadata().getUid());
        Thread.sleep(3_000);
        assertThat(client.resources(StorageProbeResult.class).withLabel(StorageProbe.PROBE_LABEL, PROBE).list().getItems()).isEmpty();
    }

    /** The KubeVirt resource as virt-operator keeps it: the deployed release in its status. */
    private void kubevirt(String release) {
        GenericKubernetesResource kv = new GenericKubernetesResourceBuilder()
                .withApiVersion("kubevirt.io/v1").withKind("KubeVirt")
                .withNewMetadata().withName("kubevirt").withNamespace("kubevirt").endMetadata()
                .addToAdditionalProperties("status", Map.of("observedKubeVirtVersion", release))
                .build();
        client.genericKubernetesResources(KubeVirtLookup.KUBEVIRT).inNamespace("kubevirt").resource(kv).createOr(NonDeletingOperation::update);
    }

    /**
     * A merge patch without resourceVersion, as kubectl patch does: the operator writes the status
     * at any moment, and an edit (read, then write that version) lost that race with a 409.
     */
    private void setInterval(String probe, String interval) {
        client.resources(StorageProbe.class).withName(probe).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"interval\":\"" + interval + "\"}}");
    }

    private long verdictEvents(String node, String reason) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(node) && e.getReason().equals(reason)).count();
    }

    private static double runs(SimulatedAgent agent) throws Exception {
        return agent.get("/metrics").lines()
                .filter(l -> l.startsWith("storageprobe_probe_runs_total{") && l.contains("outcome=\"completed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static String http(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }






    private static Node node(String name) {
        return LinuxNodes.named(name).editMetadata()
                .addToLabels("kubernetes.io/hostname", name).endMetadata()
                .withNewSpec().endSpec().build();
    }

    private static StorageProbe probe(String name, StorageProbeSpec spec) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName(name);
        p.setSpec(spec);
        return p;
    }

    /** charts/src/test/resources/metric-names.txt as "name type labels" with labels sorted, like MetricCatalog. */
    static List<String> chartMetricNames() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(Path.of("..", "charts", "src", "test", "resources", "metric-names.txt"))
                .stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+"))
                .map(f -> f[0] + " " + f[1] + " " + java.util.Arrays.stream(f[2].split(",")).sorted()
                        .collect(java.util.stream.Collectors.joining(",")))
                .toList();
    }
}
