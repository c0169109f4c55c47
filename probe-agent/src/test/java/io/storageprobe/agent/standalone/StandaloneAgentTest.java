package io.storageprobe.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.discovery.NodeInfo;
import io.storageprobe.agent.discovery.TargetSelection;
import io.storageprobe.agent.metrics.AgentHttpServer;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.Scrape;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.QemuInForce;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The standalone loop on real 512 B and 4 KiB loop devices, scraped over HTTP: every series the
 * chart's alerts and dashboard query is there, labelled as in a cluster, and it probes again after
 * the interval. The interval is a test-only 1 s (the flag's minimum is 1m); the test waits for the
 * change, it never asserts on timing.
 */
class StandaloneAgentTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesTheClustersSeriesForRealDevicesAndProbesAgainAfterTheInterval() throws Exception {
        String node = NodeInfo.read(Path.of("/")).hostname();
        try (LoopDevice small = LoopDevice.create(512);
                LoopDevice large = LoopDevice.create(4096)) {
            StandaloneProbe probe = new StandaloneProbe(
                    "standalone",
                    node,
                    new TargetSelection(null, null, List.of(small.device(), large.device()), null, null, false),
                    RuleSet.all(),
                    new QemuInForce("5.2", QemuInForce.FLAG, "--qemu 5.2"));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            AgentMetrics metrics = new AgentMetrics(registry, "standalone", node);
            try (AgentHttpServer http = AgentHttpServer.start(0, registry);
                    StandaloneAgent agent =
                            new StandaloneAgent(probe::run, metrics, Duration.ofSeconds(1), Clock.systemUTC())) {
                Thread loop = new Thread(agent, "standalone-agent");
                loop.start();
                try {
                    assertThat(get(http, "/healthz")).isEqualTo("ok\n");
                    Scrape first = scrapeUntil(http, s -> completedRuns(s) >= 1);
                    for (Scrape.Listed listed : Scrape.agentMetricNames()) {
                        listed.series()
                                .forEach((series, labels) -> assertThat(first.named(series))
                                        .as("%s with labels %s", series, labels)
                                        .isNotEmpty()
                                        .allSatisfy(s -> assertThat(s.labels().keySet())
                                                .containsExactlyInAnyOrderElementsOf(labels)));
                    }
                    assertThat(first.samples())
                            .filteredOn(s -> s.name().startsWith("storageprobe_"))
                            .allSatisfy(s -> assertThat(s.labels())
                                    .containsEntry("probe", "standalone")
                                    .containsEntry("node", node));
                    for (LoopDevice loopDevice : List.of(small, large)) {
                        Map<String, String> target = Map.of("target", loopDevice.device());
                        assertThat(first.value("storageprobe_target_verdict", with(target, "verdict", "Compatible")))
                                .isEqualTo(1);
                        assertThat(first.value("storageprobe_rule_failed", with(target, "rule", "qemu-legacy-dio")))
                                .isZero();
                    }
                    assertThat(first.value(
                                    "storageprobe_target_alignment_bytes",
                                    Map.of("target", small.device(), "kind", "logical_block")))
                            .isEqualTo(512);
                    assertThat(first.value(
                                    "storageprobe_target_alignment_bytes",
                                    Map.of("target", large.device(), "kind", "logical_block")))
                            .isEqualTo(4096);

                    double lastRun = first.value("storageprobe_last_run_timestamp_seconds", Map.of());
                    Scrape later = scrapeUntil(
                            http, s -> s.value("storageprobe_last_run_timestamp_seconds", Map.of()) > lastRun);
                    assertThat(completedRuns(later)).isGreaterThan(completedRuns(first));
                } finally {
                    agent.close();
                    loop.join(120_000);
                }
                assertThat(loop.isAlive()).as("the loop ends when closed").isFalse();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static double completedRuns(Scrape s) {
        return s.value("storageprobe_probe_runs_total", Map.of("outcome", "completed"));
    }

    /** Scrapes until the condition holds; the deadline only guards against a hang. */
    private static Scrape scrapeUntil(AgentHttpServer http, Predicate<Scrape> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Scrape s = Scrape.parse(get(http, "/metrics"));
            if (condition.test(s)) {
                return s;
            }
            assertThat(System.nanoTime())
                    .as("condition reached within 2 minutes")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String get(AgentHttpServer http, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
