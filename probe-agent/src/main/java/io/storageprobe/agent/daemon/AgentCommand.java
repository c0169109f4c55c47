package io.storageprobe.agent.daemon;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.kube.ApiEndpoint;
import io.storageprobe.agent.kube.ClusterConfig;
import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.agent.metrics.AgentHttpServer;
import io.storageprobe.agent.metrics.AgentMetrics;
import java.io.IOException;
import java.time.Clock;

/** {@code storageprobe agent}: runs the node daemon until the process is stopped. */
public final class AgentCommand {
    /** The writer token's file, from the DaemonSet's environment (WriterToken.FILE_VARIABLE), or null. */
    private static java.nio.file.Path tokenFile(java.util.Map<String, String> env) {
        String file = env.get(WriterToken.FILE_VARIABLE);
        return file == null || file.isBlank() ? null : java.nio.file.Path.of(file);
    }

    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int FAILED = 3;

    private AgentCommand() {}

    public static int run(String[] args) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("storageprobe agent: " + e.getMessage());
            System.err.print(AgentOptions.USAGE);
            return USAGE;
        }
        ApiEndpoint endpoint;
        try {
            endpoint = ClusterConfig.resolve(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("storageprobe agent: " + e.getMessage());
            return FAILED;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentMetrics metrics = new AgentMetrics(registry, options.probe(), options.node());
        try (KubeApi client = new KubeApi(endpoint);
                AgentHttpServer http = AgentHttpServer.start(options.metricsPort(), registry);
                AgentDaemon daemon = new AgentDaemon(
                        client,
                        options.probe(),
                        options.node(),
                        new EngineProbeRunner(),
                        metrics,
                        AgentTimings.PRODUCTION,
                        Clock.systemUTC(),
                        tokenFile(System.getenv()))) {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
            daemon.run();
            return OK;
        } catch (IOException e) {
            System.err.println("storageprobe agent: cannot serve metrics on port " + options.metricsPort() + ": "
                    + e.getMessage());
            return FAILED;
        }
    }
}
