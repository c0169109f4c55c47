package io.storageprobe.agent.run;

import io.storageprobe.agent.access.HostRoot;
import io.storageprobe.agent.discovery.NodeInfo;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.NodeMeasurement;
import io.storageprobe.agent.target.Target;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Probes a node's targets in child processes ({@link ChildProbe} says why), each target with its
 * own deadline, so that one hung or failing device never blocks or hides the others, and this
 * process never does target I/O itself: it always gets to report and exit. One child takes the
 * targets one after another, so many targets cost one JVM start; while targets still wait after
 * {@link #SPARE_LANE_AFTER}, another child joins it (up to {@link #withLimits}), so a slow or hung
 * target delays the others by that much at most. A target that misses its deadline is reported as an Error; its child is given up with it
 * (killed; it lingers while the kernel holds the read) and, with a caller-kept {@link HungTargets},
 * the target is not read again while that child lingers. Stuck children still hold their memory,
 * charged to the agent's pod: past a limit of them, targets are reported as not probed, with why.
 */
public final class NodeProbe {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Children measuring at once, at most: a second joins the first when targets wait (below). */
    public static final int DEFAULT_CONCURRENT = 2;
    /**
     * How long targets may wait before another child is started for them. A healthy target takes
     * milliseconds and a child's start under a second even on a busy node, so one child finishes a
     * node's targets alone (32 loop devices: 0.3 s), and a second JVM's start and memory are only
     * spent when a target is slow or hung (docs/performance.md, "Many targets").
     */
    static final Duration SPARE_LANE_AFTER = Duration.ofSeconds(2);
    /**
     * Children left stuck in the kernel before no more are started: each holds a JVM's memory until
     * its read ends, and the agent's pod has a limit (docs/performance.md).
     */
    public static final int DEFAULT_MAX_STUCK = 2;

    /** Starts a worker; an IOException means it could not be started. */
    @FunctionalInterface
    public interface WorkerFactory {
        ProbeWorker start() throws IOException;
    }

    private final Duration timeout;
    private final HungTargets hung;
    private final WorkerFactory workers;
    private int concurrent = DEFAULT_CONCURRENT;
    private int maxStuck = DEFAULT_MAX_STUCK;

    /** Measures in child processes ({@link ChildProbe}), with a {@link HungTargets} of its own. */
    public static NodeProbe inChildProcesses(Duration perTargetTimeout) {
        return inChildProcesses(perTargetTimeout, new HungTargets());
    }

    /** @param hung kept by a caller that probes again (the agent), so a stuck target is not read twice */
    public static NodeProbe inChildProcesses(Duration perTargetTimeout, HungTargets hung) {
        return new NodeProbe(perTargetTimeout, hung, ChildProbe::start);
    }

    /** @param workers starts the process (or, in tests, the thread) each lane measures its targets in */
    public NodeProbe(Duration perTargetTimeout, HungTargets hung, WorkerFactory workers) {
        this.timeout = perTargetTimeout;
        this.hung = hung;
        this.workers = workers;
    }

    /**
     * @param concurrent children measuring at once (each a small JVM)
     * @param stuck      children stuck in the kernel (this run's and, with a kept {@link HungTargets},
     *                   earlier runs') at which no more are started
     */
    public NodeProbe withLimits(int concurrent, int stuck) {
        this.concurrent = Math.max(1, concurrent);
        this.maxStuck = Math.max(1, stuck);
        return this;
    }

    /** Measures each distinct target; no rule looks at them here ({@code RuleSet} judges them). */
    public NodeMeasurement run(String probeName, String nodeName, List<Target> targets) {
        // In the agent's pod the host's files are mounted under STORAGEPROBE_HOST_ROOT.
        NodeInfo node = NodeInfo.read(HostRoot.of(System.getenv()));
        List<Measurement> measured = probeAll(TargetIdentity.distinct(targets));
        return new NodeMeasurement(
                probeName,
                nodeName != null ? nodeName : node.hostname(),
                node.kernelRelease(),
                node.bootId(),
                node.osImage(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                AgentVersion.get(),
                measured);
    }

    private List<Measurement> probeAll(List<Target> targets) {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Measurement[] measured = new Measurement[targets.size()];
        Queue<Integer> pending = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < targets.size(); i++) {
            var stuck = hung.stillHung(targets.get(i));
            if (stuck.isPresent()) {
                measured[i] = Measurement.error(
                        targets.get(i),
                        null,
                        "still hung since " + stuck.get().since()
                                + ": the probe started then ("
                                + stuck.get().worker().describe()
                                + ") is stuck in the kernel; not read again until it ends");
            } else {
                pending.add(i);
            }
        }
        Lane lane = new Lane(targets, measured, pending, started);
        List<Thread> lanes = new ArrayList<>();
        if (!pending.isEmpty()) {
            lanes.add(lane.start(0));
        }
        try {
            long spareAt = System.nanoTime() + SPARE_LANE_AFTER.toNanos();
            for (Thread running; (running = firstAlive(lanes)) != null; ) {
                if (lanes.size() >= concurrent || pending.isEmpty()) {
                    running.join();
                } else if (System.nanoTime() - spareAt < 0) {
                    TimeUnit.NANOSECONDS.timedJoin(running, spareAt - System.nanoTime());
                } else {
                    lanes.add(lane.start(lanes.size()));
                    spareAt += SPARE_LANE_AFTER.toNanos();
                }
            }
        } catch (InterruptedException e) {
            lanes.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
        List<Measurement> results = new ArrayList<>();
        for (int i = 0; i < measured.length; i++) {
            results.add(measured[i] != null ? measured[i] : Measurement.error(targets.get(i), null, "interrupted"));
        }
        return results;
    }

    private static Thread firstAlive(List<Thread> lanes) {
        return lanes.stream().filter(Thread::isAlive).findFirst().orElse(null);
    }

    /** What each lane does: take the next target, measure it in its worker, replace a worker that hung. */
    private final class Lane {
        private final List<Target> targets;
        private final Measurement[] measured;
        private final Queue<Integer> pending;
        private final Instant started;

        Lane(List<Target> targets, Measurement[] measured, Queue<Integer> pending, Instant started) {
            this.targets = targets;
            this.measured = measured;
            this.pending = pending;
            this.started = started;
        }

        void run() {
            ProbeWorker worker = null;
            try {
                for (Integer i; (i = pending.poll()) != null; ) {
                    Target target = targets.get(i);
                    if (worker == null || worker.finished()) {
                        int stuck = hung.count();
                        if (stuck >= maxStuck) {
                            measured[i] = Measurement.error(
                                    target,
                                    null,
                                    "not probed: " + stuck + " earlier probes are"
                                            + " still stuck in the kernel, the most kept at once (each holds memory until its"
                                            + " read ends); probed once one of them ends");
                            continue;
                        }
                        try {
                            worker = workers.start();
                        } catch (IOException e) {
                            measured[i] = Measurement.error(
                                    target, null, "cannot start the probe process: " + e.getMessage());
                            worker = null;
                            continue;
                        }
                    }
                    measured[i] = worker.measure(target, System.nanoTime() + timeout.toNanos());
                    if (measured[i] == null) {
                        measured[i] = gaveUp(worker, target);
                        worker = null;
                    }
                }
            } catch (InterruptedException e) {
                if (worker != null) {
                    worker.abandon();
                    worker = null;
                }
            } finally {
                if (worker != null) {
                    worker.close();
                }
            }
        }

        Thread start(int number) {
            Thread t = new Thread(this::run, "probe-lane-" + number);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private Measurement gaveUp(ProbeWorker worker, Target target) {
            worker.abandon();
            hung.add(target, worker, started);
            return Measurement.error(
                    target,
                    null,
                    "probe did not finish within " + timeout.toSeconds()
                            + " s (I/O hung?); its process (" + worker.describe()
                            + ") was killed, and stays until the kernel"
                            + " ends the read");
        }
    }
}
