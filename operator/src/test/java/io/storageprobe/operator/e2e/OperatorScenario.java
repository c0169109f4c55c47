package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.agent.daemon.EngineProbeRunner;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.api.v1alpha1.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator and its agents end to end, in named steps, on whichever {@link ScenarioEnvironment}
 * it is given. Three nodes: node-a's agent in this JVM probing real 4K-sector loop devices of this
 * host (Compatible), node-b's agent as the shipped jar in its own process, node-c's agent
 * replaying the facts measured on a real Debian 6.1 kernel (Affected, {@link ReplayProbeRunner}),
 * because no affected kernel can be booted under the test.
 *
 * Each test composes the steps in its order and adds what only its environment can show. Closing
 * the scenario stops the agents and the operator and detaches the loop devices it attached.
 */
final class OperatorScenario implements AutoCloseable {
    static final String PROBE = "vmdisks";
    static final String LABEL = "verdict.storageprobe.io/" + PROBE;
    static final Path AGENT_JAR =
            Path.of(System.getProperty("storageprobe.agent.jar", "../probe-agent/target/storageprobe.jar"));

    private final ScenarioEnvironment env;
    private final KubernetesClient admin;
    private final ProbeView view;
    private final Duration timeout;
    private final List<LoopDevice> loops = new ArrayList<>();
    private final Map<String, SimulatedAgent> agents = new LinkedHashMap<>();
    private AgentProcess agentProcess;
    private ReplayProbeRunner nodeCKernel;
    private RunningOperator operator;
    private StorageProbe created;

    OperatorScenario(ScenarioEnvironment env) {
        this.env = env;
        this.admin = env.admin();
        this.view = new ProbeView(admin, env.namespace());
        this.timeout = env.timeout();
    }

    ProbeView view() {
        return view;
    }

    RunningOperator operator() {
        return operator;
    }

    /** The probe as the API server stored it when its DaemonSet appeared. */
    StorageProbe created() {
        return created;
    }

    List<LoopDevice> loops() {
        return loops;
    }

    SimulatedAgent agent(String node) {
        return agents.get(node);
    }

    AgentProcess agentProcess() {
        return agentProcess;
    }

    /** node-c's kernel, to reboot it into another. */
    ReplayProbeRunner nodeCKernel() {
        return nodeCKernel;
    }

    void startOperator() {
        operator = env.startOperator();
    }

    void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    /** The probe, over {@code devices} new 4K-sector loop devices, labelling nodes and tainting Affected ones. */
    void createProbe(int devices) throws Exception {
        for (int i = 0; i < devices; i++) {
            loops.add(LoopDevice.create(4096));
        }
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(
                null,
                null,
                new Targets(
                        new DeviceTargets(loops.stream().map(LoopDevice::name).toList(), List.of()),
                        null,
                        null,
                        null,
                        null),
                null,
                "1h",
                new NodeActions(true, NodeActions.TaintAction.NoSchedule),
                null,
                null));
        admin.resource(probe).create();
    }

    /** The operator makes the agent DaemonSet, owned by the probe. */
    DaemonSet daemonSetOwnedByTheProbe() {
        DaemonSet ds = await().atMost(timeout).until(() -> view.daemonSet(PROBE), d -> d != null);
        created = admin.resources(StorageProbe.class).withName(PROBE).get();
        assertThat(ds.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o ->
                        assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        return ds;
    }

    /** Before any agent runs: Ready=False while the DaemonSet rolls out. */
    void readyWaitsForTheRollout() {
        await().atMost(timeout)
                .until(() -> view.condition(PROBE, ProbeCondition.READY)
                        .map(c -> c.reason().equals("AgentsRollingOut"))
                        .orElse(false));
    }

    /** The agents start on their nodes, and the cluster reports them running. */
    void agentsStart(DaemonSet ds) throws Exception {
        agents.put("node-a", new SimulatedAgent(env.agentClient(), PROBE, "node-a", new EngineProbeRunner()));
        assertThat(AGENT_JAR)
                .as("the agent jar is made in the package phase: run mvn verify")
                .exists();
        agentProcess = env.agentProcess(AGENT_JAR, PROBE, "node-b");
        nodeCKernel = new ReplayProbeRunner("6.1.0-50-amd64");
        agents.put("node-c", new SimulatedAgent(env.agentClient(), PROBE, "node-c", nodeCKernel));
        env.agentsRunning(ds, 3);
    }

    /** Every node reports: two Compatible, node-c Affected, and the probe not Conformant. */
    StorageProbeStatus everyNodeReports() {
        StorageProbeStatus status = await().atMost(timeout)
                .until(
                        () -> view.status(PROBE),
                        s -> s != null
                                && s.summary() != null
                                && s.summary().nodesReported() == 3
                                && view.condition(s, ProbeCondition.READY)
                                        .map(c -> c.status().equals("True"))
                                        .orElse(false));
        assertThat(status.summary().compatible()).isEqualTo(2);
        assertThat(status.summary().affected()).isEqualTo(1);
        assertThat(status.affectedNodes())
                .singleElement()
                .satisfies(a -> assertThat(a.node()).isEqualTo("node-c"));
        assertThat(view.condition(status, ProbeCondition.CONFORMANT)).get().satisfies(c -> {
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("NodesAffected");
        });
        return status;
    }

    /** Every node gets its verdict label, node-c the taint too and a "verdict changed" Event. */
    Node nodesLabelledAndNodeCTainted() {
        await().atMost(timeout)
                .until(() -> view.labels("node-a").containsKey(LABEL)
                        && view.labels("node-b").containsKey(LABEL)
                        && view.labels("node-c").containsKey(LABEL));
        assertThat(view.labels("node-a"))
                .containsEntry(LABEL, "Compatible")
                .containsEntry("kubernetes.io/hostname", "node-a");
        assertThat(view.labels("node-c")).containsEntry(LABEL, "Affected");
        Node nodeC = admin.nodes().withName("node-c").get();
        assertThat(nodeC.getSpec().getTaints()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("storageprobe.io/affected");
            assertThat(t.getValue()).isEqualTo(PROBE);
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        await().atMost(timeout).until(() -> verdictEvents("node-c", "VerdictAffected") >= 1);
        return nodeC;
    }

    /**
     * The operator restarts: conditions keep their lastTransitionTime, and no node gets a second
     * "verdict changed" event (the previous verdict is read back from the node's label).
     */
    void operatorRestartChangesNothing() throws Exception {
        String readySince =
                view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime();
        String conformantSince =
                view.condition(PROBE, ProbeCondition.CONFORMANT).orElseThrow().lastTransitionTime();
        long affectedEvents = verdictEvents("node-c", "VerdictAffected");
        stopOperator();
        startOperator();
        await().atMost(timeout).until(() -> operator.ready());
        await().atMost(timeout)
                .until(() -> operator.http("/metrics")
                        .contains("storageprobe_nodes{probe=\"vmdisks\",verdict=\"Affected\"} 1"));
        assertThat(view.condition(PROBE, ProbeCondition.READY).orElseThrow().lastTransitionTime())
                .isEqualTo(readySince);
        assertThat(view.condition(PROBE, ProbeCondition.CONFORMANT)
                        .orElseThrow()
                        .lastTransitionTime())
                .isEqualTo(conformantSince);
        assertThat(verdictEvents("node-c", "VerdictAffected")).isEqualTo(affectedEvents);
    }

    /** node-b goes (its agent with it): its result is deleted and it no longer counts. */
    void aNodeGoes() throws Exception {
        agentProcess.close();
        admin.nodes().withName("node-b").delete();
        await().atMost(timeout)
                .until(() -> admin.resources(StorageProbeResult.class)
                                .withName("vmdisks.node-b")
                                .get()
                        == null);
        await().atMost(timeout)
                .until(() -> view.status(PROBE).summary().nodesTargeted() == 2
                        && view.status(PROBE).summary().nodesReported() == 2);
    }

    /** The probe is deleted: labels, taint and annotation leave the nodes; the DaemonSet goes. */
    void probeDeletedCleansUpTheNodes() {
        admin.resources(StorageProbe.class).withName(PROBE).delete();
        await().atMost(timeout)
                .until(() -> admin.resources(StorageProbe.class).withName(PROBE).get() == null);
        for (String name : List.of("node-a", "node-c")) {
            Node n = admin.nodes().withName(name).get();
            assertThat(n.getMetadata().getLabels()).doesNotContainKey(LABEL);
            assertThat(
                            n.getMetadata().getAnnotations() == null
                                    ? Map.of()
                                    : n.getMetadata().getAnnotations())
                    .doesNotContainKey(StorageProbe.MANAGED_LABELS_ANNOTATION);
            assertThat(n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints())
                    .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        }
        assertThat(view.labels("node-a")).containsEntry("kubernetes.io/hostname", "node-a");
        assertThat(view.daemonSet(PROBE)).isNull();
    }

    long verdictEvents(String node, String reason) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(node)
                        && e.getReason().equals(reason))
                .count();
    }

    @Override
    public void close() throws Exception {
        try {
            for (SimulatedAgent agent : agents.values()) {
                agent.close();
            }
            if (agentProcess != null) {
                agentProcess.close();
                System.out.println("AGENT PROCESS LOG (node-b)\n" + agentProcess.log());
            }
            stopOperator();
        } finally {
            // Detach only the loop devices this scenario attached, also when it or the shutdown above failed.
            for (LoopDevice loop : loops) {
                loop.close();
            }
        }
    }
}
