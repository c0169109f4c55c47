package io.storageprobe.operator.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real node on the test control plane: kube-scheduler, and containerd, kubelet and kube-proxy in
 * a network and mount namespace of their own (test-cluster/node-start.sh). Pods scheduled onto it
 * run for real; they reach the API server through the {@code kubernetes} Service. Only the images
 * built by test-cluster/build.sh are on it ({@link #BUSYBOX}, the pause image): nothing is pulled.
 * Stopped, leaving nothing behind, by {@link #close()}, or with the control plane (stop.sh).
 */
public final class TestNode implements AutoCloseable {
    /** Debian 12's busybox-static as an image (test-cluster/versions.env BUSYBOX_IMAGE); /bin/sh is its entrypoint. */
    public static final String BUSYBOX = "storageprobe.test/busybox:1.35.0";
    /** The Node's name, and its InternalIP inside the node's network namespace. */
    public static final String NAME = "storageprobe-node";

    public static final String IP = "10.200.0.1";
    /** The CNI bridge's range; every Pod IP is in it. */
    public static final String POD_CIDR_PREFIX = "10.244.0.";

    private final Path scripts;
    private final Path clusterDir;
    private boolean closed;

    private TestNode(Path scripts, Path clusterDir) {
        this.scripts = scripts;
        this.clusterDir = clusterDir;
    }

    /** Starts the node on the control plane in clusterDir; returns once the Node is Ready. */
    static TestNode start(Path scripts, Path clusterDir) {
        TestNode node = new TestNode(scripts, clusterDir);
        try {
            Command.of(scripts.resolve("node-start.sh").toString(), clusterDir.toString())
                    .withEnv(Map.of("NODE_NAME", NAME))
                    .run(scripts, 3, TimeUnit.MINUTES)
                    .orThrow();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw new IllegalStateException(
                    "the test node did not start (build it with test-cluster/build.sh; "
                            + "it needs containerd, runc, containernetworking-plugins, iptables): " + e.getMessage(),
                    e);
        }
    }

    /**
     * What a Pod's containers wrote, read from kubelet's log directory (the API server cannot reach
     * the kubelet inside the node's network namespace, so {@code kubectl logs} does not work here).
     */
    public String containerLogs(String namespace, String pod) {
        Path pods = clusterDir.resolve("node/log/pods");
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(pods)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (pods.relativize(f).getName(0).toString().startsWith(namespace + "_" + pod + "_")) {
                    out.append(pods.relativize(f)).append(":\n").append(Files.readString(f));
                }
            }
        } catch (IOException e) {
            return "(no logs: " + e + ")";
        }
        return out.toString();
    }

    /** The last lines of kubelet's and containerd's logs: why a Pod is stuck, for a failing test's message. */
    public String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (String log : List.of("kubelet.log", "containerd.log", "kube-scheduler.log")) {
            Path file = clusterDir.resolve("node").resolve(log);
            try {
                List<String> lines = Files.readAllLines(file);
                out.append("--- ")
                        .append(file)
                        .append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())))
                        .append('\n');
            } catch (IOException e) {
                out.append("--- ").append(file).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Command.Result r = Command.of(scripts.resolve("node-stop.sh").toString(), clusterDir.toString())
                .run(scripts, 2, TimeUnit.MINUTES);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("test-cluster/node-stop.sh failed:\n" + r.stderr());
        }
    }
}
