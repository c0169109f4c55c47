package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.AgentSpec;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.qemu.KubeVirtLookup;
import io.storageprobe.operator.schema.CrdSchemaValidator;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.settings.TestingOperatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OperatorScenario} against the fabric8 mock API server (CRUD mode), and what only the mock
 * can show: an API server outage under running agents, a KubeVirt upgrade and downgrade, node-c
 * rebooting into a fixed kernel, a spec the schema would have refused. See {@link MockApiServer}
 * for what the mock does not do and how the test makes up for it. The same scenario runs on a real
 * control plane in {@link OperatorOnRealClusterRealIT}.
 */
class OperatorEndToEndTest {
    private static final String NAMESPACE = "storageprobe-system";
    private static final String PROBE = OperatorScenario.PROBE;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final OperatorSettings SETTINGS = TestingOperatorSettings.of(
            NAMESPACE,
            "registry.example/storageprobe:test",
            "storageprobe-agent",
            "default",
            0,
            Duration.ofSeconds(1),
            false);
    private static final Path CRDS = Path.of(System.getProperty("storageprobe.crds.dir", "../crds"));

    private MockApiServer api;
    private KubernetesClient client;
    private ProbeView view;
    private OperatorScenario scenario;

    @BeforeEach
    void start() throws Exception {
        api = new MockApiServer();
        client = api.newClient();
        api.installCrds(client, CRDS);
        scenario = new OperatorScenario(new MockEnvironment(api, client, SETTINGS));
        view = scenario.view();
        scenario.startOperator();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (scenario != null) {
                scenario.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (api != null) {
                api.close();
            }
        }
    }

    @Test
    void probesNodesAggregatesLabelsSurvivesApiOutageAndCleansUp() throws Exception {
        for (String name : List.of("node-a", "node-b", "node-c")) {
            client.nodes().resource(node(name)).create();
        }
        scenario.createProbe(2);
        DaemonSet ds = scenario.daemonSetOwnedByTheProbe();
        daemonSetRunsThePrivilegedAgentOnEveryNode(ds);
        scenario.readyWaitsForTheRollout();
        scenario.agentsStart(ds);
        statusCountsEveryNode(scenario.everyNodeReports());
        printerColumnsResultsAndSchemas();
        nodesLabelledTaintedAndAnnotated(scenario.nodesLabelledAndNodeCTainted());
        kubeVirtUpgradeMakesAFailureLatentAndADowngradeUndoesIt();
        metricsAsDesignMdNamesThem();
        scenario.operatorRestartChangesNothing();
        nodeCRebootsIntoAFixedKernel();
        agentsSurviveAnApiServerOutage();
        anInvalidSpecGetsNoDaemonSet();
        theAgentProcessServesMetricsAfterTheOutage();
        scenario.aNodeGoes();
        aSpecChangeReachesTheSameDaemonSet(ds);
        scenario.probeDeletedCleansUpTheNodes();
        for (String name : List.of("node-a", "node-c")) {
            assertThat(view.labels(name))
                    .as("labels nobody else owns stay")
                    .containsEntry("kubernetes.io/hostname", name);
        }
        noAgentWritesAfterTheProbeIsGone();
    }

    /** The DaemonSet the operator made: owned by the probe, a privileged agent with /dev and /sys, on every node. */
    private void daemonSetRunsThePrivilegedAgentOnEveryNode(DaemonSet ds) {
        StorageProbe created = scenario.created();
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("StorageProbe");
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        Container container =
                ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsExactly("storageprobe", "agent", "--probe", PROBE);
        assertThat(container.getImage()).isEqualTo("registry.example/storageprobe:test");
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(container.getVolumeMounts())
                .extracting(m -> m.getMountPath())
                .contains("/dev", "/host/sys/block", "/host/sys/devices");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertThat(ds.getSpec().getTemplate().getSpec().getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(ds.getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getStrVal())
                .isEqualTo("10%");
        assertThat(ds.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("storageprobe-agent");
    }

    private void statusCountsEveryNode(StorageProbeStatus status) {
        assertThat(status.summary().nodesTargeted()).isEqualTo(3);
        assertThat(status.summary().error()).isZero();
        assertThat(status.affectedNodes()).singleElement().satisfies(a -> {
            assertThat(a.kernelRelease()).isEqualTo("6.1.0-50-amd64");
            assertThat(a.failedRules()).contains("qemu-legacy-dio");
        });
        assertThat(status.affectedNodesTruncated()).isFalse();
        System.out.println("STATUS " + client.getKubernetesSerialization().asYaml(status));
    }

    private void printerColumnsResultsAndSchemas() throws Exception {
        // What kubectl get storageprobes shows: the CRD's printer columns on the stored object.
        PrinterColumns columns = new PrinterColumns(CRDS.resolve("storageprobes.storageprobe.io.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = client.getKubernetesSerialization()
                .convertValue(
                        client.resources(StorageProbe.class).withName(PROBE).get(), Map.class);
        assertThat(columns.header())
                .containsExactly("NAME", "NODES", "REPORTED", "AFFECTED", "LATENT", "ERRORS", "QEMU", "READY", "AGE");
        // No KubeVirt yet: no QEMU in force, the column stays empty.
        assertThat(columns.row(stored)).containsExactly("vmdisks", "3", "3", "1", "0", "0", "", "True", "set");
        System.out.println("KUBECTL\n" + PrinterColumns.format(List.of(columns.header(), columns.row(stored))));

        // Results: one per node, named <probe>.<node>, labelled, owned by the probe.
        List<StorageProbeResult> results = client.resources(StorageProbeResult.class)
                .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                .list()
                .getItems();
        assertThat(results)
                .extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder("vmdisks.node-a", "vmdisks.node-b", "vmdisks.node-c");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getMetadata().getLabels())
                    .containsEntry(StorageProbe.NODE_LABEL, r.getSpec().node());
            assertThat(r.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getUid())
                            .isEqualTo(scenario.created().getMetadata().getUid()));
        });
        // What the agents and the operator write fits the CRDs: valid, and nothing the API server would prune.
        CrdSchemaValidator resultSchema =
                new CrdSchemaValidator(CRDS.resolve("storageproberesults.storageprobe.io.yaml"));
        for (StorageProbeResult r : results) {
            @SuppressWarnings("unchecked")
            Map<String, Object> asMap = client.getKubernetesSerialization().convertValue(r, Map.class);
            assertThat(resultSchema.validate(asMap))
                    .as(r.getMetadata().getName())
                    .isEmpty();
            assertThat(resultSchema.unknownFields(asMap))
                    .as(r.getMetadata().getName())
                    .isEmpty();
        }
        CrdSchemaValidator probeSchema = new CrdSchemaValidator(CRDS.resolve("storageprobes.storageprobe.io.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> probeMap = client.getKubernetesSerialization()
                .convertValue(
                        client.resources(StorageProbe.class).withName(PROBE).get(), Map.class);
        assertThat(probeSchema.validate(probeMap)).isEmpty();
        assertThat(probeSchema.unknownFields(probeMap)).isEmpty();

        StorageProbeResult realA = results.stream()
                .filter(r -> r.getSpec().node().equals("node-a"))
                .findFirst()
                .orElseThrow();
        assertThat(realA.getSpec().targets())
                .extracting(t -> t.name())
                .containsExactlyInAnyOrder(
                        scenario.loops().get(0).name(), scenario.loops().get(1).name());
        assertThat(realA.getSpec().verdict()).isEqualTo(Verdict.Compatible);
        assertThat(realA.getSpec().targets().get(0).facts().logicalBlockSize()).isEqualTo(4096);
    }

    /** Only the keys the operator owns: the managed-keys annotation names them, node-a has no taint. */
    private void nodesLabelledTaintedAndAnnotated(Node nodeC) {
        assertThat(nodeC.getMetadata().getAnnotations().get(StorageProbe.MANAGED_LABELS_ANNOTATION))
                .isEqualTo("taint:storageprobe.io/affected=vmdisks:NoSchedule,verdict.storageprobe.io/vmdisks");
        assertThat(client.nodes().withName("node-a").get().getSpec().getTaints())
                .isNullOrEmpty();
    }

    private void kubeVirtUpgradeMakesAFailureLatentAndADowngradeUndoesIt() throws Exception {
        // No KubeVirt yet: every rule counts, and the status says why.
        assertThat(view.status(PROBE).qemu()).satisfies(q -> {
            assertThat(q.version()).isNull();
            assertThat(q.message()).contains("every rule counts");
        });
        // KubeVirt v1.5 (QEMU 9.1) installed: node-c's qemu-legacy-dio failure cannot break it.
        // The node turns Compatible without a new probe or a touch of the StorageProbe.
        kubevirt("v1.5.2");
        await().atMost(TIMEOUT)
                .until(() -> "Compatible".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        StorageProbeStatus upgraded = await().atMost(TIMEOUT)
                .until(() -> view.status(PROBE), s -> s.summary().affected() == 0);
        assertThat(upgraded.qemu())
                .isEqualTo(new QemuInForce(
                        "9.1.0", QemuInForce.KUBEVIRT, "KubeVirt v1.5.2 ships QEMU 9.1.0 (kubevirt#13641, #16291)"));
        assertThat(upgraded.summary().latent()).isEqualTo(1);
        assertThat(upgraded.latentNodes()).singleElement().satisfies(l -> {
            assertThat(l.node()).isEqualTo("node-c");
            assertThat(l.failedRules()).containsExactly("qemu-legacy-dio");
        });
        assertThat(view.condition(upgraded, ProbeCondition.CONFORMANT))
                .get()
                .satisfies(c -> assertThat(c.status()).isEqualTo("True"));
        await().atMost(TIMEOUT)
                .until(() -> client.nodes().withName("node-c").get().getSpec().getTaints() == null
                        || client.nodes()
                                .withName("node-c")
                                .get()
                                .getSpec()
                                .getTaints()
                                .isEmpty());
        // The agent reads status.qemu, judges for it and exports the finding as latent: no alert.
        String latentSeries = "{node=\"node-c\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\"vda\"}";
        await().atMost(TIMEOUT)
                .until(() -> scenario.agent("node-c")
                        .get("/metrics")
                        .contains("storageprobe_rule_latent" + latentSeries + " 1"));
        assertThat(scenario.agent("node-c").get("/metrics"))
                .contains("storageprobe_rule_failed" + latentSeries + " 0")
                .contains(
                        "storageprobe_target_verdict{node=\"node-c\",probe=\"vmdisks\",target=\"vda\",verdict=\"Affected\"} 0");
        assertThat(client.resources(StorageProbeResult.class)
                        .withName("vmdisks.node-c")
                        .get()
                        .getSpec())
                .satisfies(r -> assertThat(r.qemu().version()).isEqualTo("9.1.0"))
                .satisfies(r -> assertThat(r.targets().get(0).latentFindings())
                        .singleElement()
                        .asString()
                        .startsWith("qemu-legacy-dio fails, but QEMU 9.1.0 is not affected (fixed in 7.2)"));
        // Back to a KubeVirt whose QEMU predates 7.2: Affected and tainted again.
        kubevirt("v0.58.1");
        await().atMost(TIMEOUT)
                .until(() -> "Affected".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        // The label is patched within the reconcile, the status written when it returns: wait for it.
        await().atMost(TIMEOUT).until(() -> view.status(PROBE).qemu().message().contains("older than 7.2"));
        await().atMost(TIMEOUT)
                .until(() -> client.nodes().withName("node-c").get().getSpec().getTaints() != null
                        && !client.nodes()
                                .withName("node-c")
                                .get()
                                .getSpec()
                                .getTaints()
                                .isEmpty());
        await().atMost(TIMEOUT)
                .until(() -> scenario.agent("node-c")
                        .get("/metrics")
                        .contains("storageprobe_rule_failed" + latentSeries + " 1"));
    }

    private void metricsAsDesignMdNamesThem() throws Exception {
        // Operator metrics: nodes per verdict, and JOSDK's reconcile metrics.
        String operatorMetrics = scenario.operator().http("/metrics");
        assertThat(operatorMetrics)
                .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Affected\"} 1")
                .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Compatible\"} 2")
                // Ready as a metric (StorageProbeNotReady), the interval for StorageProbeResultsStale.
                .contains("storageprobe_probe_ready{probe=\"vmdisks\",reason=\"AllNodesReported\"} 1")
                .contains("storageprobe_probe_interval_seconds{probe=\"vmdisks\"} 3600")
                .contains("operator_sdk_reconciliations");
        assertThat(scenario.operator().http("/healthz")).isEqualTo("ok\n");
        assertThat(scenario.operator().http("/readyz")).isEqualTo("ok\n");

        // Agent metrics, as design.md section 5 names them.
        String agentMetrics = scenario.agent("node-a").get("/metrics");
        String loop0 = scenario.loops().get(0).name();
        assertThat(agentMetrics)
                .startsWith("200\n")
                .contains("storageprobe_target_verdict{node=\"node-a\",probe=\"vmdisks\",target=\"" + loop0
                        + "\",verdict=\"Compatible\"} 1")
                .contains("storageprobe_target_verdict{node=\"node-a\",probe=\"vmdisks\",target=\"" + loop0
                        + "\",verdict=\"Affected\"} 0")
                .contains(
                        "storageprobe_rule_failed{node=\"node-a\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\""
                                + loop0 + "\"} 0")
                .contains(
                        "storageprobe_target_alignment_bytes{kind=\"logical_block\",node=\"node-a\",probe=\"vmdisks\",target=\""
                                + loop0 + "\"} 4096")
                .contains("storageprobe_probe_duration_seconds_bucket{")
                .contains("storageprobe_probe_runs_total{node=\"node-a\",outcome=\"completed\",probe=\"vmdisks\"}")
                .contains("storageprobe_last_run_timestamp_seconds{node=\"node-a\",probe=\"vmdisks\"}")
                .contains("storageprobe_node_info{kernel_release=\"")
                .contains("# HELP storageprobe_target_verdict ");
        // Every series carries probe and node, and every metric has help text.
        assertThat(agentMetrics.lines().filter(l -> l.startsWith("storageprobe_")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("node=\"node-a\"").contains("probe=\"vmdisks\""));
        for (String metric : List.of(
                "storageprobe_target_verdict",
                "storageprobe_rule_failed",
                "storageprobe_rule_latent",
                "storageprobe_target_alignment_bytes",
                "storageprobe_probe_duration_seconds",
                "storageprobe_probe_runs_total",
                "storageprobe_last_run_timestamp_seconds",
                "storageprobe_node_info")) {
            assertThat(agentMetrics).containsPattern("# HELP " + metric + " \\S");
        }
        // Names, types and label sets exactly as design.md section 5 lists them (labels sorted).
        Set<String> agentCatalog = MetricCatalog.of(agentMetrics, "storageprobe_");
        Set<String> operatorCatalog = MetricCatalog.of(operatorMetrics, "storageprobe_");
        // Written for the chart's metric-names.txt check: what running processes really export.
        java.nio.file.Files.writeString(
                Path.of("target", "metric-names.observed.txt"),
                String.join("\n", agentCatalog) + "\n" + String.join("\n", operatorCatalog) + "\n");
        assertThat(agentCatalog)
                .containsExactlyInAnyOrder(
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
        assertThat(operatorCatalog)
                .containsExactly(
                        "storageprobe_nodes gauge probe,verdict",
                        "storageprobe_probe_interval_seconds gauge probe",
                        "storageprobe_probe_ready gauge probe,reason");
        // The chart's alerts and dashboard are checked against charts/.../metric-names.txt; every
        // entry there must be exported for real by these running processes.
        Set<String> exported = new java.util.HashSet<>(agentCatalog);
        exported.addAll(operatorCatalog);
        // Only volume targets make the per-StorageClass series; StorageClassesRealIT checks that one.
        assertThat(chartMetricNames())
                .isNotEmpty()
                .filteredOn(entry -> !entry.equals(StorageClassesRealIT.METRIC))
                .allSatisfy(entry -> assertThat(exported).contains(entry));
        assertThat(scenario.agent("node-c").get("/metrics"))
                .contains(
                        "storageprobe_rule_failed{node=\"node-c\",probe=\"vmdisks\",rule=\"qemu-legacy-dio\",target=\"vda\"} 1")
                .contains(
                        "storageprobe_node_info{kernel_release=\"6.1.0-50-amd64\",node=\"node-c\",probe=\"vmdisks\"} 1");
        assertThat(scenario.agent("node-a").get("/healthz")).isEqualTo("200\nok\n");
    }

    private void nodeCRebootsIntoAFixedKernel() throws Exception {
        // node-c reboots into a kernel that handles the split-vector read (7.3, also measured under
        // QEMU): its verdict, label, taint, event and the probe's Conformant condition follow.
        long compatibleEvents = scenario.verdictEvents("node-c", "VerdictCompatible");
        scenario.nodeCKernel().boot("7.3.4+deb13-amd64");
        await().atMost(TIMEOUT)
                .until(() -> "Compatible".equals(view.labels("node-c").get("verdict.storageprobe.io/vmdisks")));
        Node recovered = client.nodes().withName("node-c").get();
        assertThat(
                        recovered.getSpec().getTaints() == null
                                ? List.of()
                                : recovered.getSpec().getTaints())
                .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        assertThat(recovered.getMetadata().getAnnotations())
                .containsEntry(StorageProbe.MANAGED_LABELS_ANNOTATION, "verdict.storageprobe.io/vmdisks");
        await().atMost(TIMEOUT)
                .until(() -> scenario.verdictEvents("node-c", "VerdictCompatible") == compatibleEvents + 1
                        && view.condition(PROBE, ProbeCondition.CONFORMANT)
                                .map(c -> c.status().equals("True"))
                                .orElse(false));
        assertThat(view.status(PROBE).affectedNodes()).isNullOrEmpty();
        assertThat(view.status(PROBE).summary().compatible()).isEqualTo(3);
    }

    private void agentsSurviveAnApiServerOutage() throws Exception {
        // The API server goes away under running agents: they keep probing and serving metrics,
        // and write their results once it is back.
        double runsBefore = runs(scenario.agent("node-a"));
        api.stop();
        await().atMost(TIMEOUT).until(() -> runs(scenario.agent("node-a")) >= runsBefore + 2);
        assertThat(scenario.agent("node-a").get("/healthz")).isEqualTo("200\nok\n");
        Instant restarted = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        api.start();
        await().atMost(TIMEOUT).until(() -> {
            StorageProbeResult r = client.resources(StorageProbeResult.class)
                    .withName("vmdisks.node-a")
                    .get();
            return r != null && !Instant.parse(r.getSpec().probeTime()).isBefore(restarted);
        });
    }

    private void anInvalidSpecGetsNoDaemonSet() {
        // An invalid spec the schema would have rejected (the mock validates nothing): InvalidSpec, no DaemonSet.
        client.resource(probe("badprobe", new StorageProbeSpec(null, null, null, null, "30s", null, null, null)))
                .create();
        ProbeCondition invalid = await().atMost(TIMEOUT)
                .until(
                        () -> view.condition("badprobe", ProbeCondition.READY).orElse(null),
                        c -> c != null && c.reason().equals("InvalidSpec"));
        assertThat(invalid.status()).isEqualTo("False");
        assertThat(invalid.message()).contains("spec.interval");
        assertThat(view.daemonSet("badprobe")).isNull();
        // Fixed, it gets its DaemonSet; broken again, the DaemonSet goes (no agents with a spec nobody can honour).
        setInterval("badprobe", "2h");
        await().atMost(TIMEOUT).until(() -> view.daemonSet("badprobe") != null);
        setInterval("badprobe", "soon");
        await().atMost(TIMEOUT)
                .until(() -> view.daemonSet("badprobe") == null
                        && view.condition("badprobe", ProbeCondition.READY)
                                .map(c -> c.message().contains("spec.interval"))
                                .orElse(false));
        client.resources(StorageProbe.class).withName("badprobe").delete();
    }

    private void theAgentProcessServesMetricsAfterTheOutage() throws Exception {
        // The agent process serves its metrics too, and survived the outage.
        String loop0 = scenario.loops().get(0).name();
        assertThat(scenario.agentProcess().alive())
                .as(scenario.agentProcess().log())
                .isTrue();
        assertThat(scenario.agentProcess().get("/metrics"))
                .startsWith("200\n")
                .contains("storageprobe_target_verdict{node=\"node-b\",probe=\"vmdisks\",target=\"" + loop0
                        + "\",verdict=\"Compatible\"} 1");
        assertThat(scenario.agentProcess().get("/healthz")).isEqualTo("200\nok\n");
    }

    private void aSpecChangeReachesTheSameDaemonSet(DaemonSet ds) {
        // A spec change reaches the DaemonSet: the operator replaces it, still one per probe.
        client.resources(StorageProbe.class).withName(PROBE).edit(p -> {
            p.setSpec(new StorageProbeSpec(
                    p.getSpec().nodeSelector(),
                    p.getSpec().tolerations(),
                    p.getSpec().targets(),
                    p.getSpec().rules(),
                    p.getSpec().interval(),
                    p.getSpec().nodeActions(),
                    new AgentSpec("registry.example/storageprobe:next", null, "system-node-critical"),
                    null));
            return p;
        });
        DaemonSet changed = await().atMost(TIMEOUT)
                .until(
                        () -> view.daemonSet(PROBE),
                        d -> d != null
                                && d.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage()
                                        .equals("registry.example/storageprobe:next"));
        assertThat(changed.getSpec().getTemplate().getSpec().getPriorityClassName())
                .isEqualTo("system-node-critical");
        assertThat(changed.getMetadata().getUid()).isEqualTo(ds.getMetadata().getUid());
    }

    private void noAgentWritesAfterTheProbeIsGone() throws Exception {
        // Running agents notice the probe is gone and stop writing. A write racing the deletion is
        // the garbage collector's to remove (the result's owner is gone); the mock has none, so the
        // test removes such orphans once, then checks that no agent writes again.
        GarbageCollectorStandIn.deleteDependentsOf(
                client, scenario.created().getMetadata().getUid());
        Thread.sleep(3_000);
        assertThat(client.resources(StorageProbeResult.class)
                        .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                        .list()
                        .getItems())
                .isEmpty();
    }

    /** The KubeVirt resource as virt-operator keeps it: the deployed release in its status. */
    private void kubevirt(String release) {
        GenericKubernetesResource kv = new GenericKubernetesResourceBuilder()
                .withApiVersion("kubevirt.io/v1")
                .withKind("KubeVirt")
                .withNewMetadata()
                .withName("kubevirt")
                .withNamespace("kubevirt")
                .endMetadata()
                .addToAdditionalProperties("status", Map.of("observedKubeVirtVersion", release))
                .build();
        client.genericKubernetesResources(KubeVirtLookup.KUBEVIRT)
                .inNamespace("kubevirt")
                .resource(kv)
                .createOr(NonDeletingOperation::update);
    }

    /**
     * A merge patch without resourceVersion, as kubectl patch does: the operator writes the status
     * at any moment, and an edit (read, then write that version) lost that race with a 409.
     */
    private void setInterval(String probe, String interval) {
        client.resources(StorageProbe.class)
                .withName(probe)
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"interval\":\"" + interval + "\"}}");
    }

    private static double runs(SimulatedAgent agent) throws Exception {
        return agent.get("/metrics")
                .lines()
                .filter(l -> l.startsWith("storageprobe_probe_runs_total{") && l.contains("outcome=\"completed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    private static StorageProbe probe(String name, StorageProbeSpec spec) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName(name);
        p.setSpec(spec);
        return p;
    }

    private static Node node(String name) {
        return LinuxNodes.named(name)
                .editMetadata()
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build();
    }

    /** charts/src/test/resources/metric-names.txt as "name type labels" with labels sorted, like MetricCatalog. */
    static List<String> chartMetricNames() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(Path.of("..", "charts", "src", "test", "resources", "metric-names.txt"))
                .stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+"))
                .map(f -> f[0] + " " + f[1] + " "
                        + java.util.Arrays.stream(f[2].split(","))
                                .sorted()
                                .collect(java.util.stream.Collectors.joining(",")))
                .toList();
    }
}
