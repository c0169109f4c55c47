package io.storageprobe.agent.standalone;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.discovery.NodeInfo;
import io.storageprobe.agent.discovery.TargetSelection;
import io.storageprobe.agent.flags.UsageException;
import io.storageprobe.agent.localqemu.LocalQemu;
import io.storageprobe.agent.metrics.AgentHttpServer;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code storageprobe agent --standalone}: the agent on a host without Kubernetes. This class and
 * everything it uses never touch the API client: Main sends {@code --standalone} here before
 * the cluster agent's classes are loaded, so no kubeconfig or service account is ever looked for.
 */
public final class StandaloneCommand {
    public static final int OK = 0, USAGE = 2, FAILED = 3;
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCommand.class);

    private StandaloneCommand() {}

    public static int run(String[] args) {
        PrintStream err = System.err;
        StandaloneOptions options;
        RuleSet rules;
        try {
            options = StandaloneOptions.parse(args);
            rules = RuleSet.named(options.rules());
        } catch (UsageException | IllegalArgumentException e) {
            err.println("storageprobe agent: " + e.getMessage());
            err.print(StandaloneOptions.USAGE);
            return USAGE;
        }
        if (options.help()) {
            System.out.print(StandaloneOptions.USAGE);
            return OK;
        }
        try {
            Abi.check();
        } catch (UnsupportedOperationException e) {
            err.println("storageprobe agent: " + e.getMessage());
            return FAILED;
        }
        // Read once, before any probe: a thread stuck in a hung disk's I/O stops the JVM from
        // starting processes. After upgrading QEMU, restart the agent (or pass --qemu).
        QemuInForce qemu = options.qemu() != null
                ? new QemuInForce(options.qemu(), QemuInForce.FLAG, "--qemu " + options.qemu())
                : LocalQemu.detect();
        String node = NodeInfo.read(Path.of("/")).hostname();
        StandaloneProbe probe = new StandaloneProbe(
                options.probe(),
                node,
                new TargetSelection(null, null, options.devices(), options.paths(), options.files(), options.volumes()),
                rules,
                qemu);
        String problem = startProblem(probe.targets().targets(), options.volumes());
        if (problem != null) {
            err.println("storageprobe agent: " + problem);
            return FAILED;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AgentMetrics metrics = new AgentMetrics(registry, options.probe(), node);
        try (AgentHttpServer http = AgentHttpServer.start(options.metricsPort(), registry);
                StandaloneAgent agent =
                        new StandaloneAgent(probe::run, metrics, options.interval(), Clock.systemUTC())) {
            LOG.info(
                    "standalone agent for node {} (probe label {}), judging for {}: serving /metrics and /healthz on port {},"
                            + " probing every {}",
                    node,
                    options.probe(),
                    qemu.describe(),
                    http.port(),
                    options.interval().toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            // SIGTERM (systemctl stop): stop the loop; the JVM then exits with 143 once the hook returns.
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                LOG.info("stopping");
                                agent.close();
                            },
                            "shutdown"));
            agent.run();
            return OK;
        } catch (IOException e) {
            err.println("storageprobe agent: cannot serve metrics on port " + options.metricsPort() + ": "
                    + e.getMessage());
            return FAILED;
        }
    }

    /**
     * What check also refuses: nothing to probe, or devices without root. With --volumes, none
     * yet is fine: volumes come and go with the VMs, and each run looks again.
     */
    private static String startProblem(List<Target> targets, boolean volumes) {
        if (targets.isEmpty() && !volumes) {
            return "no block device in /sys/block matches " + String.join(" ", TargetSelection.DEFAULT_INCLUDE)
                    + "; name targets with --device, --path or --file";
        }
        if (targets.stream().anyMatch(t -> t.kind() == TargetKind.DEVICE) && LibC.geteuid() != 0) {
            return "reading block devices needs root; run it as root, or probe only --path and --file targets";
        }
        return null;
    }
}
