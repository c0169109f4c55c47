package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.operator.StorageProbeOperator;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.http.OperatorHttpServer;
import io.storageprobe.operator.settings.OperatorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The operator as the end-to-end tests run it: started the way {@code OperatorMain} starts it,
 * with its own registry and /metrics, /healthz and /readyz on a free port; closed with its client
 * when the client is its own.
 */
final class RunningOperator implements AutoCloseable {
    private final StorageProbeOperator operator;
    private final PrometheusMeterRegistry registry;
    private final OperatorHttpServer http;
    private final KubernetesClient ownClient;

    private RunningOperator(
            StorageProbeOperator operator,
            PrometheusMeterRegistry registry,
            OperatorHttpServer http,
            KubernetesClient ownClient) {
        this.operator = operator;
        this.registry = registry;
        this.http = http;
        this.ownClient = ownClient;
    }

    /**
     * On a real control plane, with nothing but the chart's operator ServiceAccount token: a fresh
     * one per start, as a restarted pod would get.
     */
    static RunningOperator withChartsToken(TestCluster cluster, ChartInstall chart, OperatorSettings settings) {
        KubernetesClient client =
                cluster.clientWithToken(cluster.token(chart.namespace(), chart.operatorServiceAccount()));
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            StorageProbeOperator operator = StorageProbeOperator.start(client, settings, registry);
            return new RunningOperator(operator, registry, http(registry, operator), client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** On the fabric8 mock server, which answers server-side apply with 415: JSON patches only. */
    static RunningOperator onMock(KubernetesClient client, OperatorSettings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StorageProbeOperator operator =
                StorageProbeOperator.start(client, settings, registry, o -> o.withUseSSAToPatchPrimaryResource(false));
        return new RunningOperator(operator, registry, http(registry, operator), null);
    }

    private static OperatorHttpServer http(PrometheusMeterRegistry registry, StorageProbeOperator operator) {
        try {
            return OperatorHttpServer.start(0, registry, operator::ready);
        } catch (IOException e) {
            operator.close();
            throw new UncheckedIOException(e);
        }
    }

    boolean ready() {
        return operator.ready();
    }

    /** The operator's metrics as /metrics serves them. */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    int port() {
        return http.port();
    }

    /** The body of GET {@code path} on the operator's HTTP port. */
    String http(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Override
    public void close() {
        try {
            operator.close();
            http.close();
        } finally {
            if (ownClient != null) {
                ownClient.close();
            }
        }
    }
}
