package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.kube.Fabric8Endpoint;
import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's loop against the fabric8 mock API server in CRUD mode (no real API server can run
 * here). The probe engine is replaced by a recorder: what is pinned here is when the daemon
 * probes and writes, not what it measures (the operator's end-to-end test runs the real engine).
 */
class AgentDaemonTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AgentTimings TIMINGS = new AgentTimings(
            Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(500), s -> Duration.ofHours(1));

    private KubernetesMockServer server;
    private KubernetesClient client;
    /** The agent's own client, on the same server. */
    private KubeApi api;

    private final List<ProbeSettings> runs = new CopyOnWriteArrayList<>();
    private AgentDaemon daemon;
    private Thread thread;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        api = Fabric8Endpoint.apiOf(client);
        ProbeRunner recorder = (probe, node, settings) -> {
            runs.add(settings);
            return new NodeResult(
                    probe,
                    node,
                    "6.18.44",
                    "boot",
                    "Debian",
                    Instant.now().toString(),
                    "test",
                    List.of(),
                    settings.deviceInclude().contains("bad*") ? Verdict.Affected : Verdict.Compatible,
                    null);
        };
        daemon = new AgentDaemon(
                api,
                "vmdisks",
                "worker-1",
                recorder,
                new AgentMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "vmdisks", "worker-1"),
                TIMINGS,
                Clock.systemUTC());
        thread = new Thread(daemon, "agent");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        daemon.close();
        thread.join(5_000);
        api.close();
        client.close();
        server.destroy();
    }

    @Test
    void waitsForItsProbeThenProbesAndWritesAnOwnedResult() throws Exception {
        Thread.sleep(600); // several spec reads find no probe
        assertThat(runs).isEmpty();
        StorageProbe created = client.resource(probe(1, List.of("vd*"))).create();
        awaitResult(r -> r != null);
        StorageProbeResult result = client.resources(StorageProbeResult.class)
                .withName("vmdisks.worker-1")
                .get();
        assertThat(result.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o ->
                        assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).deviceInclude()).containsExactly("vd*");
    }

    @Test
    void aNewGenerationOfTheSpecIsProbedAtOnce() throws Exception {
        client.resource(probe(1, List.of("vd*"))).create();
        awaitResult(r -> r != null && r.getSpec().verdict() == Verdict.Compatible);
        // The mock does not maintain metadata.generation; the edit sets it as the API server would.
        client.resources(StorageProbe.class).withName("vmdisks").edit(p -> {
            p.getMetadata().setGeneration(2L);
            p.setSpec(probe(2, List.of("bad*")).getSpec());
            return p;
        });
        awaitResult(r -> r != null && r.getSpec().verdict() == Verdict.Affected);
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).deviceInclude()).containsExactly("bad*");
    }

    @Test
    void stopsWritingOnceTheProbeIsDeleted() throws Exception {
        client.resource(probe(1, List.of("vd*"))).create();
        awaitResult(r -> r != null);
        client.resources(StorageProbe.class).withName("vmdisks").delete();
        client.resources(StorageProbeResult.class).withName("vmdisks.worker-1").delete();
        // A new spec generation would make a live agent probe and write; a deleted probe must not.
        Thread.sleep(1_000);
        assertThat(client.resources(StorageProbeResult.class)
                        .withName("vmdisks.worker-1")
                        .get())
                .isNull();
    }

    private void awaitResult(java.util.function.Predicate<StorageProbeResult> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (condition.test(client.resources(StorageProbeResult.class)
                    .withName("vmdisks.worker-1")
                    .get())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the agent did not write the expected result within " + WAIT.toSeconds() + " s");
    }

    private static StorageProbe probe(long generation, List<String> include) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName("vmdisks");
        p.getMetadata().setGeneration(generation);
        p.setSpec(new StorageProbeSpec(
                null,
                null,
                new Targets(new DeviceTargets(include, null), null, null, null, null),
                null,
                "6h",
                null,
                null,
                null));
        return p;
    }
}
