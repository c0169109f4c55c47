package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's queries on a real Prometheus scraping a real standalone agent (issue 19: the
 * dashboard was checked for its shape only). Every panel's query, $probe filled in, must parse
 * and run; every query over the agent's own series must return series. The exceptions need
 * what no single host here has: the operator's metrics, or a failing or latent rule (this
 * machine's kernel and a temporary directory pass every rule).
 */
class DashboardOnRealPrometheusTest {
    private static final Path AGENT_JAR = Chart.REPO_ROOT.resolve("probe-agent/target/storageprobe.jar");
    /** Queries that may be empty here, by the series they need. */
    private static final Set<String> NEED_OPERATOR_OR_A_FAILING_RULE = Set.of(
            "storageprobe_nodes",
            "storageprobe_storageclass_volumes",
            "storageprobe_rule_failed",
            "storageprobe_rule_latent");

    private static final Duration SCRAPES = Duration.ofSeconds(90);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyPanelQueryRunsAndTheAgentsOwnReturnSeries() throws Exception {
        assertThat(AGENT_JAR)
                .as("the agent jar is made in the package phase: run mvn -pl probe-agent -am package")
                .exists();
        Path work = Files.createTempDirectory("dashboard-prometheus");
        int agentPort = freePort();
        int promPort = freePort();
        Path probeDir = Files.createDirectories(work.resolve("vm-disks"));
        Files.writeString(work.resolve("prometheus.yml"), """
        global: {scrape_interval: 2s, evaluation_interval: 2s}
        scrape_configs:
          - job_name: storageprobe-agent
            static_configs:
              - targets: ['127.0.0.1:%d']
                labels: {probe: standalone, node: dashboard-host}
        """.formatted(agentPort));
        Process agent = null;
        Process prometheus = null;
        try {
            agent = new ProcessBuilder(
                            javaBin(),
                            "-jar",
                            AGENT_JAR.toString(),
                            "agent",
                            "--standalone",
                            "--path",
                            probeDir.toString(),
                            "--metrics-port",
                            String.valueOf(agentPort),
                            "--interval",
                            "1m")
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("agent.log").toFile())
                    .start();
            prometheus = new ProcessBuilder(
                            Tools.prometheus().toString(),
                            "--config.file=" + work.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + work.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("prometheus.log").toFile())
                    .start();

            // The agent probes at start; wait until Prometheus has scraped its first completed run
            // twice: increase() over the counters needs two samples.
            Instant deadline = Instant.now().plus(SCRAPES);
            while (query(promPort, "increase(storageprobe_probe_runs_total[1d])")
                    .path("data")
                    .path("result")
                    .isEmpty()) {
                if (Instant.now().isAfter(deadline) || !agent.isAlive() || !prometheus.isAlive()) {
                    fail(
                            "no scraped probe run within %s; agent log:%n%s%nprometheus log:%n%s",
                            SCRAPES, tail(work.resolve("agent.log")), tail(work.resolve("prometheus.log")));
                }
                Thread.sleep(1_000);
            }
            Map<String, Integer> seriesPerQuery = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (String expr : Dashboard.expressions()) {
                String filled = expr.replace("$probe", "standalone");
                JsonNode answer = query(promPort, filled);
                if (!"success".equals(answer.path("status").asText())) {
                    problems.add(filled + ": " + answer);
                    continue;
                }
                int series = answer.path("data").path("result").size();
                seriesPerQuery.put(filled, series);
                boolean mayBeEmpty = NEED_OPERATOR_OR_A_FAILING_RULE.stream().anyMatch(filled::contains);
                if (series == 0 && !mayBeEmpty) {
                    problems.add(filled + ": no series");
                }
            }
            seriesPerQuery.forEach((q, n) -> System.out.println("DASHBOARD QUERY " + n + " series: " + q));
            assertThat(problems).isEmpty();
            assertThat(seriesPerQuery).hasSize(Dashboard.expressions().size());
        } finally {
            stop(agent);
            stop(prometheus);
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private JsonNode query(int port, String expr) throws IOException, InterruptedException {
        URI uri = URI.create(
                "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503) {
                return json.createObjectNode(); // listening, not ready yet: "Service Unavailable" as text
            }
            return json.readTree(r.body());
        } catch (java.net.ConnectException e) {
            return json.createObjectNode(); // not listening yet
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(none)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
