package io.storageprobe.agent.probe;

import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Probes a node's targets, each on its own thread with its own deadline, so that one hung or
 * failing device never blocks or hides the others. A read stuck in the kernel cannot be
 * interrupted: its thread is a daemon and is abandoned, and the target is reported as an Error.
 */
public final class NodeProbe {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final RuleSet rules;
    private final Duration timeout;
    private final Function<Target, Measurement> measure;

    public NodeProbe(RuleSet rules, Duration perTargetTimeout) {
        this(rules, perTargetTimeout, new TargetProber()::measure);
    }

    NodeProbe(RuleSet rules, Duration perTargetTimeout, Function<Target, Measurement> measure) {
        this.rules = rules;
        this.timeout = perTargetTimeout;
        this.measure = measure;
    }

    public NodeResult run(String probeName, String nodeName, List<Target> targets) {
        // In the agent's pod the host's files are mounted under STORAGEPROBE_HOST_ROOT.
        NodeInfo node = NodeInfo.read(Path.of(System.getenv().getOrDefault("STORAGEPROBE_HOST_ROOT", "/")));
        List<TargetResult> results = probeAll(targets);
        Verdict verdict = results.stream().map(TargetResult::verdict).reduce(Verdict.Compatible, Verdict::worst);
        return new NodeResult(probeName, nodeName != null ? nodeName : node.hostname(), node.kernelRelease(),
                node.bootId(), node.osImage(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                AgentVersion.get(), results, verdict, null);
    }

    private List<TargetResult> probeAll(List<Target> targets) {
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TargetResult>> futures = new ArrayList<>();
            for (Target target : targets) {
                futures.add(pool.submit(() -> rules.judge(measure.apply(target))));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TargetResult> results = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                results.add(await(futures.get(i), targets.get(i), deadline));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** All targets start together, so one shared deadline gives each its full timeout. */
    private TargetResult await(Future<TargetResult> future, Target target, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return rules.judge(Measurement.error(target, null,
                    "probe did not finish within " + timeout.toSeconds() + " s (I/O hung?)"));
        } catch (ExecutionException e) {
            return rules.judge(Measurement.error(target, null, "probe failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return rules.judge(Measurement.error(target, null, "interrupted"));
        }
    }
}
