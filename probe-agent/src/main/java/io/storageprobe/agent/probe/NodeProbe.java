package io.storageprobe.agent.probe;

import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Probes a node's targets, each in its own child process ({@link ChildProbe} says why) with its
 * own deadline, so that one hung or failing device never blocks or hides the others, and this
 * process never does target I/O itself: it always gets to report and exit. A target that misses
 * the deadline is reported as an Error; its child is killed and, with a caller-kept
 * {@link HungTargets}, not started again while it lingers.
 */
public final class NodeProbe {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Starts the probe of one target; an IOException means it could not be started. */
    @FunctionalInterface
    interface WorkerFactory {
        ProbeWorker start(Target target) throws IOException;
    }

    private final RuleSet rules;
    private final Duration timeout;
    private final HungTargets hung;
    private final WorkerFactory workers;
    private int maxConcurrent = Integer.MAX_VALUE;

    public NodeProbe(RuleSet rules, Duration perTargetTimeout) {
        this(rules, perTargetTimeout, new HungTargets());
    }

    /** @param hung kept by a caller that probes again (the agent), so a stuck target is not read twice */
    public NodeProbe(RuleSet rules, Duration perTargetTimeout, HungTargets hung) {
        this(rules, perTargetTimeout, hung, ChildProbe::start);
    }

    /** Measures in this process, on threads: for tests of the scheduling with a function of their own. */
    NodeProbe(RuleSet rules, Duration perTargetTimeout, Function<Target, Measurement> measure) {
        this(rules, perTargetTimeout, new HungTargets(), target -> new ThreadProbe(target, measure));
    }

    NodeProbe(RuleSet rules, Duration perTargetTimeout, HungTargets hung, WorkerFactory workers) {
        this.rules = rules;
        this.timeout = perTargetTimeout;
        this.hung = hung;
        this.workers = workers;
    }

    /**
     * At most this many targets are probed at once (each child JVM costs memory; the agent's pod
     * has a limit). Later targets start as earlier ones end, each with its full timeout.
     */
    public NodeProbe withMaxConcurrent(int max) {
        this.maxConcurrent = Math.max(1, max);
        return this;
    }

    public NodeResult run(String probeName, String nodeName, List<Target> targets) {
        // In the agent's pod the host's files are mounted under STORAGEPROBE_HOST_ROOT.
        NodeInfo node = NodeInfo.read(Path.of(System.getenv().getOrDefault("STORAGEPROBE_HOST_ROOT", "/")));
        List<TargetResult> results = probeAll(TargetIdentity.distinct(targets));
        Verdict verdict = results.stream().map(TargetResult::verdict).reduce(Verdict.Compatible, Verdict::worst);
        return new NodeResult(probeName, nodeName != null ? nodeName : node.hostname(), node.kernelRelease(),
                node.bootId(), node.osImage(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                AgentVersion.get(), results, verdict, null);
    }

    private List<TargetResult> probeAll(List<Target> targets) {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Measurement[] measured = new Measurement[targets.size()];
        Deque<Integer> pending = new ArrayDeque<>();
        for (int i = 0; i < targets.size(); i++) {
            var stuck = hung.stillHung(targets.get(i));
            if (stuck.isPresent()) {
                measured[i] = Measurement.error(targets.get(i), null, "still hung since " + stuck.get().since()
                        + ": the probe started then (" + stuck.get().worker().describe()
                        + ") is stuck in the kernel; not read again until it ends");
            } else {
                pending.add(i);
            }
        }
        // Up to maxConcurrent workers run at once, each with its own deadline. Without a cap (check)
        // all start before any waiting begins, so the whole run ends within one timeout. Awaiting the
        // oldest first is fair: it has the earliest deadline.
        Deque<Running> running = new ArrayDeque<>();
        while (!pending.isEmpty() || !running.isEmpty()) {
            while (running.size() < maxConcurrent && !pending.isEmpty()) {
                int i = pending.poll();
                try {
                    running.add(new Running(i, workers.start(targets.get(i)), System.nanoTime() + timeout.toNanos()));
                } catch (IOException e) {
                    measured[i] = Measurement.error(targets.get(i), null, "cannot start the probe process: " + e.getMessage());
                }
            }
            Running r = running.poll();
            if (r != null) {
                measured[r.index()] = await(r.worker(), targets.get(r.index()), r.deadline(), started);
            }
        }
        List<TargetResult> results = new ArrayList<>();
        for (Measurement m : measured) {
            results.add(rules.judge(m));
        }
        return results;
    }

    private record Running(int index, ProbeWorker worker, long deadline) {
    }

    private Measurement await(ProbeWorker worker, Target target, long deadline, Instant started) {
        try {
            Measurement m = worker.await(deadline);
            if (m != null) {
                return m;
            }
            worker.abandon();
            hung.add(target, worker, started);
            return Measurement.error(target, null, "probe did not finish within " + timeout.toSeconds()
                    + " s (I/O hung?); its process (" + worker.describe() + ") was killed, and stays until the kernel"
                    + " ends the read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.abandon();
            return Measurement.error(target, null, "interrupted");
        }
    }
}
