package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.agent.daemon.AgentTimings;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent whose result writes the real API server refuses backs off on those failures, up to
 * its cap, and says why in its metrics (issue 9, first defect: the successful re-read of the
 * StorageProbe before each write used to reset the backoff, so refused writes were retried at
 * the minimum wait forever). The refusals are the server's own: RBAC (403) and validation (422).
 */
@ExtendWith(RealApiServer.class)
class RefusedResultWritesRealIT {
    private static final Duration RETRY_MAX = Duration.ofMillis(1600);
    /** Reads succeed throughout; probe interval long, so that only failed writes drive the retries. */
    private static final AgentTimings TIMINGS =
            new AgentTimings(Duration.ofSeconds(1), Duration.ofMillis(100), RETRY_MAX, s -> Duration.ofHours(1));

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;

    RefusedResultWritesRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
    }

    @Test
    void writesRefusedByRbacBackOffToTheCapAndCountAsForbidden() throws Exception {
        probe("refused-rbac");
        // An agent account that may read its probe and results but not write them: a chart whose
        // agent ClusterRole lost "create" looks like this from the agent's side.
        String account = cluster.storageProbeAccount(
                chart.namespace(), "agent-without-write", List.of("storageprobes", "storageproberesults"), "get");
        int mark = cluster.auditLog().size();

        try (SimulatedAgent agent = new SimulatedAgent(
                cluster.clientWithToken(cluster.token(chart.namespace(), account)),
                "refused-rbac",
                "node-x",
                new ReplayProbeRunner("6.1.0-50-amd64"),
                TIMINGS)) {
            awaitBackoffAtCap(agent, "forbidden");
        }
        AuditLog refused = cluster.auditLog()
                .since(mark)
                .by("system:serviceaccount:" + chart.namespace() + ":" + account)
                .withCode(403);
        assertThat(refused.entries())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.resource()).isEqualTo("storageproberesults"));
    }

    @Test
    void writesRefusedByValidationBackOffToTheCapAndCountAsInvalid() throws Exception {
        probe("refused-invalid");
        // The chart's agent account, but a node name that makes no valid object name
        // ("refused-invalid.Bad_Node"): the server answers 422.
        int mark = cluster.auditLog().size();
        try (SimulatedAgent agent = new SimulatedAgent(
                cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount())),
                "refused-invalid",
                "Bad_Node",
                new ReplayProbeRunner("6.1.0-50-amd64"),
                TIMINGS)) {
            awaitBackoffAtCap(agent, "invalid");
        }
        assertThat(cluster.auditLog()
                        .since(mark)
                        .by(chart.agentUser())
                        .withCode(422)
                        .entries())
                .isNotEmpty();
        assertThat(cluster.auditLog()
                        .since(mark)
                        .by(chart.agentUser())
                        .withCode(403)
                        .entries())
                .isEmpty();
    }

    /**
     * The wait before the next write reaches the cap: with the re-read resetting the backoff it
     * stayed at the minimum however many writes failed.
     */
    private static void awaitBackoffAtCap(SimulatedAgent agent, String reason) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String metrics = agent.get("/metrics");
            return value(metrics, "storageprobe_result_write_backoff_seconds\\{[^}]*\\}")
                            == RETRY_MAX.toMillis() / 1000.0
                    && value(
                                    metrics,
                                    "storageprobe_result_write_failures_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\}")
                            >= 5;
        });
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void probe(String name) {
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(name);
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
        admin.resource(probe).create();
    }
}
