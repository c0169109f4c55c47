package io.storageprobe.operator.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar storageprobe.jar agent --probe P --node N}: the shipped agent jar as its own
 * process, configured the way a pod is (the API server from the environment), so that the jar,
 * its command line and its client setup are what the test runs.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    AgentProcess(Path jar, String masterUrl, String probe, String node, Path logDir) throws IOException {
        this(jar, masterUrl, probe, node, logDir, Map.of());
    }

    /** @param credentials fabric8 environment variables that override the defaults (token, CA file) */
    AgentProcess(Path jar, String masterUrl, String probe, String node, Path logDir, Map<String, String> credentials)
            throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = logDir.resolve("agent-" + node + ".log");
        Files.createDirectories(logDir);
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "agent",
                        "--probe",
                        probe,
                        "--metrics-port",
                        String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("NODE_NAME", node);
        pb.environment().put("KUBERNETES_MASTER", masterUrl);
        pb.environment().put("KUBERNETES_TRUST_CERTIFICATES", "true");
        pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        pb.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        pb.environment().put("KUBERNETES_NAMESPACE", "default");
        pb.environment().putAll(credentials);
        process = pb.start();
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as the kubelet sends; the agent's shutdown hook ends its loop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
