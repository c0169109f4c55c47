package io.storageprobe.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's /metrics and /healthz as Prometheus and the kubelet see them, over real sockets. */
class AgentHttpServerTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> get(AgentHttpServer server, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistrysMetricsAndHealth() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("storageprobe.test")
                .description("a test counter")
                .register(registry)
                .increment(3);
        try (AgentHttpServer server = AgentHttpServer.start(0, registry)) {
            HttpResponse<String> metrics = get(server, "/metrics?name[]=x");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("storageprobe_test_total 3.0");
            HttpResponse<String> health = get(server, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(get(server, "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void connectionsThatSendNothingDoNotHoldUpAProbe() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Socket> silent = new ArrayList<>();
        try (AgentHttpServer server = AgentHttpServer.start(0, registry)) {
            try {
                // One fewer than the connections served at once: the probe gets the last one.
                for (int i = 0; i < 3; i++) {
                    silent.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
                }
                assertThat(get(server, "/healthz").body()).isEqualTo("ok\n");
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aBadRequestLineIsAnswered400AndTheServerGoesOn() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (AgentHttpServer server = AgentHttpServer.start(0, registry)) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.getOutputStream().write("hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n");
            }
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theMetricsPortIsFreeAgainAfterClose() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int port;
        try (AgentHttpServer server = AgentHttpServer.start(0, registry)) {
            port = server.port();
        }
        try (AgentHttpServer again = AgentHttpServer.start(port, registry)) {
            assertThat(again.port()).isEqualTo(port);
        }
    }
}
