package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent pods that exist but never start (issue 19: a private registry without pull secrets left
 * every agent in ImagePullBackOff while Ready said nothing). No kubelet runs here, so the test
 * does what the scheduler and kubelet would: binds the DaemonSet controller's pod to its node and
 * writes the pod's status subresource with the waiting reason. The operator, with the chart's
 * RBAC only, learns it from its watch of the agent pods and must name node and reason in Ready.
 */
@ExtendWith(RealApiServer.class)
class AgentPodsNotStartingRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PROBE = "unpullable";
    private static final String NODE = "pull-node";

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;

    AgentPodsNotStartingRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
    }

    @Test
    void anAgentPodInImagePullBackOffMakesReadyFalseNamingNodeAndReasonUntilItRuns() throws Exception {
        int auditMark = cluster.auditLog().size();
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, chart.operatorSettings())) {
            admin.nodes().resource(LinuxNodes.named(NODE).build()).create();
            StorageProbe probe = new StorageProbe();
            probe.getMetadata().setName(PROBE);
            probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
            admin.resource(probe).create();

            Pod pod = await().atMost(TIMEOUT).until(this::agentPod, p -> p != null);
            admin.bindings()
                    .inNamespace(chart.namespace())
                    .resource(new BindingBuilder()
                            .withNewMetadata()
                            .withName(pod.getMetadata().getName())
                            .endMetadata()
                            .withNewTarget()
                            .withKind("Node")
                            .withName(NODE)
                            .endTarget()
                            .build())
                    .create();
            setWaiting(
                    "ErrImagePull",
                    "rpc error: pull access denied, repository does not exist or may require authorization");
            setWaiting("ImagePullBackOff", "Back-off pulling image \"registry.example/storageprobe:test\"");

            ProbeCondition stuck = await().atMost(TIMEOUT)
                    .until(
                            () -> view.condition(PROBE, ProbeCondition.READY).orElse(null),
                            c -> c != null
                                    && c.reason().equals("AgentPodsNotStarting")
                                    && c.message().contains("ImagePullBackOff"));
            System.out.println("READY WHILE NOT PULLING: " + stuck.message());
            assertThat(stuck.status()).isEqualTo("False");
            assertThat(stuck.message())
                    .isEqualTo("1 agent pod(s) cannot start: node " + NODE
                            + ": ImagePullBackOff (Back-off pulling image \"registry.example/storageprobe:test\")");

            // The image arrives, the container runs: Ready no longer blames the pod.
            setRunning();
            await().atMost(TIMEOUT)
                    .until(() -> view.condition(PROBE, ProbeCondition.READY)
                            .map(c -> !c.reason().equals("AgentPodsNotStarting"))
                            .orElse(false));
        } finally {
            admin.resources(StorageProbe.class).withName(PROBE).delete();
            admin.nodes().withName(NODE).delete();
            // The operator is closed by now (try-with-resources): remove its DaemonSet here. No
            // garbage collector and no kubelet run here: the bound pod goes only when removed at
            // once, and would otherwise be counted by the next test in this namespace.
            admin.apps()
                    .daemonSets()
                    .inNamespace(chart.namespace())
                    .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                    .delete();
            admin.pods()
                    .inNamespace(chart.namespace())
                    .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                    .withGracePeriod(0)
                    .delete();
            await().atMost(TIMEOUT).until(() -> agentPod() == null);
        }
        AuditLog operatorCalls = cluster.auditLog().since(auditMark).by(chart.operatorUser());
        assertThat(operatorCalls.withCode(403).entries()).isEmpty();
        // Pod state comes from the watch: one LIST to start the informer, none per reconcile.
        List<AuditLog.Entry> podLists = operatorCalls
                .filter(e -> e.resource().equals("pods") && e.verb().equals("list"))
                .entries();
        List<AuditLog.Entry> podWatches = operatorCalls
                .filter(e -> e.resource().equals("pods") && e.verb().equals("watch"))
                .entries();
        System.out.println("OPERATOR POD LISTS: " + podLists.size() + ", WATCHES: " + podWatches.size());
        assertThat(podLists).hasSize(1);
        assertThat(podWatches).isNotEmpty();
    }

    private Pod agentPod() {
        return admin
                .pods()
                .inNamespace(chart.namespace())
                .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                .list()
                .getItems()
                .stream()
                .findFirst()
                .orElse(null);
    }

    /** What kubelet writes while it cannot pull: the container waiting, with its reason. */
    private void setWaiting(String reason, String message) {
        Pod pod = agentPod();
        pod.getStatus().setPhase("Pending");
        pod.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName("agent")
                        .withReady(false)
                        .withRestartCount(0)
                        .withImage(pod.getSpec().getContainers().get(0).getImage())
                        .withImageID("")
                        .withState(new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason(reason)
                                .withMessage(message)
                                .endWaiting()
                                .build())
                        .build()));
        admin.pods().inNamespace(chart.namespace()).resource(pod).updateStatus();
    }

    private void setRunning() {
        Pod pod = agentPod();
        pod.getStatus().setPhase("Running");
        pod.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName("agent")
                        .withReady(true)
                        .withRestartCount(0)
                        .withImage(pod.getSpec().getContainers().get(0).getImage())
                        .withImageID("sha256:0")
                        .withState(new ContainerStateBuilder()
                                .withNewRunning()
                                .withStartedAt("2026-12-04T22:00:00Z")
                                .endRunning()
                                .build())
                        .build()));
        admin.pods().inNamespace(chart.namespace()).resource(pod).updateStatus();
    }
}
