package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.storageprobe.agent.kube.Fabric8Endpoint;
import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent writes its result when it changed or the last write is older than the interval, and
 * nothing more. Against the fabric8 mock API server in CRUD mode, since no real API server can
 * run here; it stores objects faithfully, which is all this test needs.
 */
class ResultWriterTest {
    private static final Duration INTERVAL = Duration.ofHours(6);
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final ProbeSettings SETTINGS =
            new ProbeSettings("uid-1", 1, List.of(), List.of(), List.of(), List.of(), List.of(), INTERVAL, null, false);

    private KubernetesMockServer server;
    private KubernetesClient client;
    /** The agent's own client, on the same server. */
    private KubeApi api;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        api = Fabric8Endpoint.apiOf(client);
    }

    @AfterEach
    void stop() {
        api.close();
        client.close();
        server.destroy();
    }

    @Test
    void firstResultIsWrittenNamedLabelledAndOwnedByTheProbe() {
        ResultWriter writer = new ResultWriter(api, "vmdisks", "worker-1");
        assertThat(writer.writeIfNeeded(result(Verdict.Compatible, T0), SETTINGS, INTERVAL, T0))
                .isTrue();
        StorageProbeResult stored = client.resources(StorageProbeResult.class)
                .withName("vmdisks.worker-1")
                .get();
        assertThat(stored.getMetadata().getLabels())
                .containsEntry(StorageProbe.PROBE_LABEL, "vmdisks")
                .containsEntry(StorageProbe.NODE_LABEL, "worker-1");
        assertThat(stored.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("StorageProbe");
            assertThat(o.getName()).isEqualTo("vmdisks");
            assertThat(o.getUid()).isEqualTo("uid-1");
            assertThat(o.getApiVersion()).isEqualTo("storageprobe.io/v1alpha1");
        });
        assertThat(stored.getSpec().verdict()).isEqualTo(Verdict.Compatible);
    }

    @Test
    void sameResultWithinTheIntervalIsNotRewritten() {
        ResultWriter writer = new ResultWriter(api, "vmdisks", "worker-1");
        writer.writeIfNeeded(result(Verdict.Compatible, T0), SETTINGS, INTERVAL, T0);
        Instant later = T0.plus(Duration.ofHours(1));
        assertThat(writer.writeIfNeeded(result(Verdict.Compatible, later), SETTINGS, INTERVAL, later))
                .isFalse();
        assertThat(stored().probeTime()).isEqualTo(T0.toString());
    }

    @Test
    void changedResultIsWrittenAtOnce() {
        ResultWriter writer = new ResultWriter(api, "vmdisks", "worker-1");
        writer.writeIfNeeded(result(Verdict.Compatible, T0), SETTINGS, INTERVAL, T0);
        Instant later = T0.plus(Duration.ofMinutes(5));
        assertThat(writer.writeIfNeeded(result(Verdict.Affected, later), SETTINGS, INTERVAL, later))
                .isTrue();
        assertThat(stored().verdict()).isEqualTo(Verdict.Affected);
    }

    @Test
    void sameResultIsRewrittenOnceTheLastWriteIsOlderThanTheInterval() {
        ResultWriter writer = new ResultWriter(api, "vmdisks", "worker-1");
        writer.writeIfNeeded(result(Verdict.Compatible, T0), SETTINGS, INTERVAL, T0);
        Instant later = T0.plus(INTERVAL);
        assertThat(writer.writeIfNeeded(result(Verdict.Compatible, later), SETTINGS, INTERVAL, later))
                .isTrue();
        assertThat(stored().probeTime()).isEqualTo(later.toString());
    }

    @Test
    void aRestartedAgentWritesOnceOverWhatIsStoredWithoutReadingIt() throws Exception {
        new ResultWriter(api, "vmdisks", "worker-1")
                .writeIfNeeded(result(Verdict.Affected, T0), SETTINGS, INTERVAL, T0);
        // A new Pod has a new token: its first result is written over the old one, however recent.
        ResultWriter restarted = new ResultWriter(api, "vmdisks", "worker-1");
        Instant later = T0.plus(Duration.ofMinutes(10));
        assertThat(restarted.writeIfNeeded(result(Verdict.Compatible, later), SETTINGS, INTERVAL, later))
                .isTrue();
        // The writes were a POST, a POST answered 409 and a PATCH: never a read (the agent may not).
        List<String> requests = new java.util.ArrayList<>();
        for (var r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                r != null;
                r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            requests.add(r.getMethod());
        }
        assertThat(requests).containsExactly("POST", "POST", "PATCH");
        assertThat(stored().verdict()).isEqualTo(Verdict.Compatible);
        Instant evenLater = later.plus(Duration.ofMinutes(10));
        assertThat(restarted.writeIfNeeded(result(Verdict.Compatible, evenLater), SETTINGS, INTERVAL, evenLater))
                .isFalse();
    }

    @Test
    void theWriterTokenGoesIntoTheAnnotationAndANewTokenIsWrittenAtOnce(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "token-1\n");
        ResultWriter writer = new ResultWriter(api, "vmdisks", "worker-1", new WriterToken(file));
        writer.writeIfNeeded(result(Verdict.Compatible, T0), SETTINGS, INTERVAL, T0);
        assertThat(annotations()).containsExactly(Map.entry(StorageProbeResult.WRITER_TOKEN_ANNOTATION, "token-1"));
        assertThat(writer.tokenChanged()).isFalse();
        // The kubelet replaced it: the same result is written again, with the new token.
        Files.writeString(file, "token-2");
        assertThat(writer.tokenChanged()).isTrue();
        Instant later = T0.plus(Duration.ofMinutes(1));
        assertThat(writer.writeIfNeeded(result(Verdict.Compatible, later), SETTINGS, INTERVAL, later))
                .isTrue();
        assertThat(annotations()).containsExactly(Map.entry(StorageProbeResult.WRITER_TOKEN_ANNOTATION, "token-2"));
        // Unreadable: written without one, never with a stale one.
        Files.delete(file);
        Instant evenLater = later.plus(Duration.ofMinutes(1));
        assertThat(writer.writeIfNeeded(result(Verdict.Compatible, evenLater), SETTINGS, INTERVAL, evenLater))
                .isTrue();
        assertThat(annotations()).isNullOrEmpty();
    }

    private Map<String, String> annotations() {
        return client.resources(StorageProbeResult.class)
                .withName("vmdisks.worker-1")
                .get()
                .getMetadata()
                .getAnnotations();
    }

    private NodeResult stored() {
        return client.resources(StorageProbeResult.class)
                .withName("vmdisks.worker-1")
                .get()
                .getSpec();
    }

    private static NodeResult result(Verdict verdict, Instant time) {
        return new NodeResult(
                "vmdisks",
                "worker-1",
                "6.18.44",
                "boot-1",
                "Debian GNU/Linux 12",
                time.toString(),
                "test",
                List.of(),
                verdict,
                null);
    }
}
