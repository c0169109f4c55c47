package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.settings.OperatorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the schema lets through and only the operator can judge, on the real control plane with
 * the chart's RBAC (issue 9): results that pass the CRD's schema but describe another node, another
 * probe or no verdict are left out of the status and labels with a logged reason, never a crash.
 * (Every spec problem the operator checks, the CRD's schema and CEL rules refuse first on this
 * server: MalformedStorageProbesRealIT; Ready=False, reason InvalidSpec is for older CRDs.)
 */
@ExtendWith(RealApiServer.class)
class BadInputRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PROBE = "badinput";
    private static final String LABEL = "verdict.storageprobe.io/" + PROBE;

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;
    private final OperatorSettings settings;

    BadInputRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
        this.settings = chart.operatorSettings();
    }

    @Test
    void resultsThatPassTheSchemaButLieAreIgnoredWithTheirReasonLogged() throws Exception {
        for (String node : List.of("bad-a", "bad-b", "bad-c", "bad-d")) {
            admin.nodes().resource(LinuxNodes.named(node).build()).create();
        }
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
        admin.resource(probe).create();
        // As an agent writes them, with the agent ServiceAccount's token: one sound result, then
        // one named for bad-b that says it is about bad-c and Affected, one for another probe,
        // and one without a verdict.
        try (KubernetesClient agent =
                cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount()))) {
            agent.resource(result(PROBE + ".bad-a", PROBE, "bad-a", Verdict.Compatible))
                    .create();
            agent.resource(result(PROBE + ".bad-b", PROBE, "bad-c", Verdict.Affected))
                    .create();
            agent.resource(result(PROBE + ".bad-c", "someotherprobe", "bad-c", Verdict.Affected))
                    .create();
        }
        admin.resource(result("badinput.bad-d", PROBE, "bad-d", null)).create();

        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(stderr, log), true, StandardCharsets.UTF_8));
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, settings)) {
            StorageProbeStatus status = await().atMost(TIMEOUT)
                    .until(
                            () -> view.status(PROBE),
                            s -> s != null && s.summary() != null && s.summary().nodesReported() == 1);
            assertThat(status.summary().affected()).isZero();
            assertThat(status.summary().compatible()).isEqualTo(1);
            assertThat(status.summary().nodesTargeted()).isEqualTo(4);
            await().atMost(TIMEOUT)
                    .until(() -> "Compatible".equals(view.labels("bad-a").get(LABEL)));
            assertThat(view.labels("bad-c")).doesNotContainKey(LABEL);
            assertThat(operator.ready()).isTrue();
            await().atMost(TIMEOUT)
                    .until(() -> log.toString(StandardCharsets.UTF_8)
                            .contains("ignoring StorageProbeResult badinput.bad-d"));
        } finally {
            System.setErr(stderr);
            admin.resources(StorageProbe.class).withName(PROBE).delete();
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        System.out.println("OPERATOR LOG, IGNORED RESULTS\n"
                + logged.lines().filter(l -> l.contains("ignoring")).distinct().reduce("", (a, b) -> a + b + "\n"));
        assertThat(logged)
                .contains(
                        "ignoring StorageProbeResult badinput.bad-b: its spec.node is bad-c, whose result is named badinput.bad-c")
                .contains(
                        "ignoring StorageProbeResult badinput.bad-c: spec.probe is 'someotherprobe', but its label says StorageProbe badinput")
                .contains("ignoring StorageProbeResult badinput.bad-d: spec.verdict is missing")
                .doesNotContain("Exception");
        // Once per version of a result, not once per reconcile.
        assertThat(logged.lines()
                        .filter(l -> l.contains("ignoring StorageProbeResult badinput.bad-b:"))
                        .count())
                .isEqualTo(1);
    }

    private static StorageProbeResult result(String name, String probe, String node, Verdict verdict) {
        StorageProbeResult r = new StorageProbeResult();
        r.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .addToLabels(StorageProbe.PROBE_LABEL, PROBE)
                .addToLabels(StorageProbe.NODE_LABEL, node)
                .build());
        r.setSpec(new NodeResult(
                probe,
                node,
                "6.12.48-amd64",
                "boot",
                "Debian GNU/Linux 13 (trixie)",
                "2026-12-01T10:00:00Z",
                "0.1.0",
                List.of(new TargetResult(
                        TargetKind.DEVICE,
                        "vda",
                        "/dev/vda",
                        null,
                        "vda",
                        null,
                        List.of(),
                        verdict == null ? Verdict.Compatible : verdict,
                        null,
                        null,
                        null)),
                verdict,
                null));
        return r;
    }

    /** Writes to both: the test's output keeps the log, the test reads it. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
