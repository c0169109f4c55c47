package io.storageprobe.agent.daemon;

import java.util.Map;

/**
 * Flags of {@code storageprobe agent}.
 *
 * @param probe       the StorageProbe this agent works for (--probe)
 * @param node        this node's name (--node, default $NODE_NAME from the downward API)
 * @param metricsPort port of /metrics and /healthz (--metrics-port, default 9402)
 */
public record AgentOptions(String probe, String node, int metricsPort) {
    public static final int DEFAULT_METRICS_PORT = 9402;
    static final String USAGE = """
            Usage: storageprobe agent --probe NAME [--node NAME] [--metrics-port PORT]

            The node daemon of a StorageProbe: probes this node at start and every spec.interval,
            writes the node's StorageProbeResult, serves /metrics and /healthz.
              --probe NAME         the StorageProbe to work for (required)
              --node NAME          this node's name (default: $NODE_NAME)
              --metrics-port PORT  port of /metrics and /healthz (default: 9402)

            On a host without Kubernetes: storageprobe agent --standalone (--help for its flags).
            """;

    /** Throws IllegalArgumentException with a message for the user; never a stack trace. */
    public static AgentOptions parse(String[] args, Map<String, String> env) {
        String probe = null;
        String node = env.get("NODE_NAME");
        int port = DEFAULT_METRICS_PORT;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--probe" -> probe = value(args, ++i, flag);
                case "--node" -> node = value(args, ++i, flag);
                case "--metrics-port" -> port = port(value(args, ++i, flag));
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (probe == null || probe.isEmpty()) {
            throw new IllegalArgumentException("--probe is required");
        }
        if (node == null || node.isEmpty()) {
            throw new IllegalArgumentException("--node is required when NODE_NAME is not set");
        }
        return new AgentOptions(probe, node, port);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics-port must be a port number, not '" + s + "'");
        }
    }
}
