package io.storageprobe.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storageprobe.agent.discovery.NodeInfo;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.Scrape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped jar as a host without Kubernetes runs it: no kubeconfig, no service account, and a
 * Kubernetes API address that points at a socket of ours, which nobody may connect to. It probes
 * real 512 B and 4 KiB loop devices, serves the cluster's series, and SIGTERM stops it cleanly.
 */
class StandaloneAgentIT {
    private static final Pattern PORT = Pattern.compile("serving /metrics and /healthz on port (\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Path dir;

    @BeforeEach
    void makeEmptyHome() throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-standalone-it-");
        Files.createDirectory(dir.resolve("home"));
    }

    @AfterEach
    void removeIt() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private ProcessBuilder storageprobe(List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of(
                "-jar", Path.of("target/storageprobe.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        // Only what a systemd service would have: no KUBECONFIG, a HOME without ~/.kube.
        pb.environment().clear();
        pb.environment()
                .putAll(Map.of(
                        "PATH",
                        "/usr/sbin:/usr/bin:/sbin:/bin",
                        "HOME",
                        dir.resolve("home").toString()));
        return pb;
    }

    @Test
    void probesRealDevicesServesTheClustersSeriesAndNeverContactsKubernetes() throws Exception {
        String node = NodeInfo.read(Path.of("/")).hostname();
        Path classLog = dir.resolve("classes.log");
        try (LoopDevice small = LoopDevice.create(512);
                LoopDevice large = LoopDevice.create(4096);
                ServerSocket fakeApiServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String api = "127.0.0.1:" + fakeApiServer.getLocalPort();
            ProcessBuilder pb = storageprobe(
                    List.of("-Xlog:class+load=info:file=" + classLog),
                    "agent",
                    "--standalone",
                    "--device",
                    small.device(),
                    "--device",
                    large.device(),
                    "--metrics-port",
                    "0",
                    "--qemu",
                    "5.2");
            // Where an in-cluster client would look first: it must not.
            pb.environment()
                    .putAll(Map.of(
                            "KUBERNETES_SERVICE_HOST",
                            "127.0.0.1",
                            "KUBERNETES_SERVICE_PORT",
                            String.valueOf(fakeApiServer.getLocalPort()),
                            "KUBERNETES_MASTER",
                            "https://" + api));
            Process agent = pb.start();
            agent.getOutputStream().close();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(agent.getInputStream()));
            BufferedReader stderr =
                    new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            try {
                int port = awaitPort(stderr, log);
                CompletableFuture<String> restOfLog = CompletableFuture.supplyAsync(() -> readAll(stderr));

                assertThat(get(port, "/healthz")).isEqualTo("ok\n");
                String scraped = scrapeUntilProbed(port);
                Scrape scrape = Scrape.parse(scraped);
                try {
                    for (Scrape.Listed listed : Scrape.agentMetricNames()) {
                        listed.series()
                                .forEach((series, labels) -> assertThat(scrape.named(series))
                                        .as("%s with labels %s in\n%s", series, labels, scraped)
                                        .isNotEmpty()
                                        .allSatisfy(s -> assertThat(s.labels().keySet())
                                                .containsExactlyInAnyOrderElementsOf(labels)));
                    }
                } catch (AssertionError e) {
                    // What the agent said about its targets (a WARN line per target in Error) goes with the failure.
                    agent.destroy();
                    throw new AssertionError(
                            e.getMessage() + "\nagent log:\n" + log + restOfLog.get(60, TimeUnit.SECONDS), e);
                }
                assertThat(scrape.value("storageprobe_node_info", Map.of("node", node, "probe", "standalone")))
                        .isEqualTo(1);
                assertThat(scrape.value(
                                "storageprobe_target_verdict",
                                Map.of("target", large.device(), "verdict", "Compatible")))
                        .isEqualTo(1);
                assertThat(scrape.value(
                                "storageprobe_target_alignment_bytes",
                                Map.of("target", large.device(), "kind", "physical_block")))
                        .isEqualTo(4096);

                // SIGTERM, as systemctl stop sends; not Process.destroy(), which also closes our end of the pipes.
                LoopDevice.run("kill", "-TERM", String.valueOf(agent.pid()));
                assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
                log.append(restOfLog.get(10, TimeUnit.SECONDS));
                // 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran (the unit's SuccessExitStatus).
                assertThat(agent.exitValue()).as(log.toString()).isEqualTo(143);
                assertThat(log.toString()).contains("stopping").doesNotContain("Exception");
                assertThat(stdout.get(10, TimeUnit.SECONDS)).isEmpty();
            } finally {
                agent.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            }

            fakeApiServer.setSoTimeout(200);
            assertThatThrownBy(fakeApiServer::accept)
                    .as("a connection to the Kubernetes API address")
                    .isInstanceOf(SocketTimeoutException.class);
            List<String> loaded = Files.readAllLines(classLog);
            assertThat(loaded).anyMatch(l -> l.contains("io.storageprobe.agent.standalone.StandaloneAgent "));
            assertThat(loaded)
                    .as("classes of the Kubernetes client loaded")
                    .noneMatch(
                            l -> l.contains(" io.fabric8.") || l.contains("io.storageprobe.agent.daemon.AgentDaemon"));
        }
    }

    @Test
    void badFlagsPrintOneLineAndUsageAndExit2() throws Exception {
        for (String[] args : new String[][] {{"--interval", "30s"}, {"--frobnicate"}, {"--rules", "nope"}}) {
            List<String> all = new ArrayList<>(List.of("agent", "--standalone"));
            all.addAll(List.of(args));
            Process p = storageprobe(List.of(), all.toArray(String[]::new)).start();
            p.getOutputStream().close();
            String out = readAll(p.getInputStream());
            String err = readAll(p.getErrorStream());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isEqualTo(2);
            assertThat(err)
                    .startsWith("storageprobe agent: ")
                    .contains("\nUsage: storageprobe agent --standalone")
                    .doesNotContain("Exception");
            assertThat(err.lines().findFirst().orElseThrow()).doesNotContain("Usage");
            assertThat(out).isEmpty();
        }
    }

    private static int awaitPort(BufferedReader stderr, StringBuilder log) throws IOException {
        for (String line; (line = stderr.readLine()) != null; ) {
            log.append(line).append('\n');
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the agent exited before serving metrics:\n" + log);
    }

    /** The text of the first scrape after a completed probe run. */
    private static String scrapeUntilProbed(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            String text = get(port, "/metrics");
            if (Scrape.parse(text).value("storageprobe_probe_runs_total", Map.of("outcome", "completed")) >= 1) {
                return text;
            }
            assertThat(System.nanoTime()).as("a probe run within 2 minutes").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readAll(BufferedReader in) {
        StringBuilder out = new StringBuilder();
        try (in) {
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
