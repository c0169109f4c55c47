package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.settings.OperatorSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent pods the API server refuses (issue 12: Pod Security admission on a baseline namespace
 * did this silently). The refusal here is a ResourceQuota's, since this API server predates Pod
 * Security admission; either way the real DaemonSet controller records a FailedCreate Event and
 * the operator, with the chart's RBAC only, must put its message into Ready.
 */
@ExtendWith(RealApiServer.class)
class AgentPodsRefusedRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PROBE = "refused-pods";
    private static final String QUOTA = "no-pods";

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;

    AgentPodsRefusedRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
    }

    @Test
    void refusedAgentPodsMakeReadyFalseWithTheServersMessageUntilTheyAreAllowed() throws Exception {
        ResourceQuota quota = admin.resourceQuotas()
                .inNamespace(chart.namespace())
                .resource(new ResourceQuotaBuilder()
                        .withNewMetadata()
                        .withName(QUOTA)
                        .endMetadata()
                        .withNewSpec()
                        .withHard(Map.of("pods", new Quantity("0")))
                        .endSpec()
                        .build())
                .create();
        OperatorSettings settings = chart.operatorSettings();
        int auditMark = cluster.auditLog().size();
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, settings)) {
            // Admission refuses pods as soon as the quota controller has counted the namespace.
            await().atMost(TIMEOUT)
                    .until(() -> admin.resourceQuotas()
                                            .inNamespace(chart.namespace())
                                            .withName(QUOTA)
                                            .get()
                                            .getStatus()
                                    != null
                            && admin.resourceQuotas()
                                            .inNamespace(chart.namespace())
                                            .withName(QUOTA)
                                            .get()
                                            .getStatus()
                                            .getHard()
                                    != null);
            admin.nodes().resource(LinuxNodes.named("refused-a").build()).create();
            admin.nodes().resource(LinuxNodes.named("refused-b").build()).create();
            StorageProbe probe = new StorageProbe();
            probe.getMetadata().setName(PROBE);
            probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
            admin.resource(probe).create();

            ProbeCondition refused = await().atMost(TIMEOUT)
                    .until(
                            () -> view.condition(PROBE, ProbeCondition.READY).orElse(null),
                            c -> c != null && c.reason().equals("AgentPodsRefused"));
            System.out.println("READY WHILE REFUSED: " + refused.message());
            assertThat(refused.status()).isEqualTo("False");
            assertThat(refused.message())
                    .startsWith("the API server refused agent pods")
                    .contains("exceeded quota: " + QUOTA);
            // kubectl shows it where an admin looks first.
            String table = cluster.kubectl(
                            "get",
                            "storageprobe",
                            PROBE,
                            "-o",
                            "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}")
                    .orThrow()
                    .stdout();
            assertThat(table).isEqualTo("AgentPodsRefused");

            // The quota goes: the controller's next attempt creates the pods (Pending: no kubelet
            // runs here), and Ready says the agents are rolling out, no longer refused.
            admin.resource(quota).delete();
            await().atMost(TIMEOUT)
                    .until(() -> view.condition(PROBE, ProbeCondition.READY)
                            .map(c -> c.reason().equals("AgentsRollingOut"))
                            .orElse(false));
            assertThat(admin.pods().inNamespace(chart.namespace()).list().getItems())
                    .hasSize(2);
        } finally {
            admin.resourceQuotas()
                    .inNamespace(chart.namespace())
                    .withName(QUOTA)
                    .delete();
            admin.resources(StorageProbe.class).withName(PROBE).delete();
        }
        AuditLog operatorCalls = cluster.auditLog().since(auditMark).by(chart.operatorUser());
        // Refusals come from a watch: one LIST when the informer starts, however many reconciles ran.
        assertThat(operatorCalls
                        .filter(e -> e.resource().equals("events") && e.verb().equals("list"))
                        .withCode(200)
                        .entries())
                .hasSize(1);
        assertThat(operatorCalls
                        .filter(e -> e.resource().equals("events") && e.verb().equals("watch"))
                        .entries())
                .isNotEmpty();
        assertThat(operatorCalls.withCode(403).entries()).isEmpty();
    }
}
