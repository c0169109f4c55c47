package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.daemon.AgentDaemon;
import io.storageprobe.agent.daemon.AgentTimings;
import io.storageprobe.agent.daemon.ProbeRunner;
import io.storageprobe.agent.metrics.AgentHttpServer;
import io.storageprobe.agent.metrics.AgentMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * The agent pod of one simulated node: the real daemon, metrics and HTTP server of
 * {@code storageprobe agent}, in this JVM, with its own API client. Only the interval is
 * shortened (the schema's minimum is 1m) so that re-probing is seen within a test.
 */
final class SimulatedAgent implements AutoCloseable {
    static final AgentTimings TEST_TIMINGS = new AgentTimings(
            Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(2), s -> Duration.ofSeconds(2));

    private final KubernetesClient client;
    private final AgentDaemon daemon;
    private final AgentHttpServer http;
    private final Thread thread;

    SimulatedAgent(KubernetesClient client, String probe, String node, ProbeRunner runner) throws IOException {
        this(client, probe, node, runner, TEST_TIMINGS);
    }

    SimulatedAgent(KubernetesClient client, String probe, String node, ProbeRunner runner, AgentTimings timings)
            throws IOException {
        this(client, probe, node, runner, timings, null);
    }

    /** @param writerToken the file the kubelet would project the Pod's writer token into, or null */
    SimulatedAgent(
            KubernetesClient client,
            String probe,
            String node,
            ProbeRunner runner,
            AgentTimings timings,
            java.nio.file.Path writerToken)
            throws IOException {
        this.client = client;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentMetrics metrics = new AgentMetrics(registry, probe, node);
        this.http = AgentHttpServer.start(0, registry);
        this.daemon = new AgentDaemon(
                io.storageprobe.agent.kube.Fabric8Endpoint.apiOf(client),
                probe,
                node,
                runner,
                metrics,
                timings,
                Clock.systemUTC(),
                writerToken);
        this.thread = new Thread(daemon, "agent-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + "\n" + response.body();
    }

    @Override
    public void close() throws InterruptedException {
        daemon.close();
        thread.join(10_000);
        http.close();
        client.close();
    }
}
