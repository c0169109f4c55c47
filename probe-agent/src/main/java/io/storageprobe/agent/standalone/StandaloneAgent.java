package io.storageprobe.agent.standalone;

import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone agent's loop: probe, record the metrics, sleep for the interval, until closed.
 * Nothing else happens here: without Kubernetes there is no spec to re-read and no result to write.
 */
final class StandaloneAgent implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneAgent.class);

    private final Supplier<NodeResult> probe;
    private final AgentMetrics metrics;
    private final Duration interval;
    private final Clock clock;
    private final Object wakeup = new Object();
    private volatile boolean stopped;

    /** Package-private so tests can pass an interval below the 1m minimum the flag enforces. */
    StandaloneAgent(Supplier<NodeResult> probe, AgentMetrics metrics, Duration interval, Clock clock) {
        this.probe = probe;
        this.metrics = metrics;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public void run() {
        while (!stopped) {
            probeOnce();
            sleep(interval);
        }
    }

    private void probeOnce() {
        long start = System.nanoTime();
        try {
            NodeResult result = probe.get();
            metrics.record(
                    result,
                    Duration.ofNanos(System.nanoTime() - start),
                    clock.instant().getEpochSecond());
            LOG.info(
                    "probed {} target(s): node verdict {}",
                    result.targets() == null ? 0 : result.targets().size(),
                    result.verdict());
            // Without Kubernetes there is no result object to read the reason from: the journal has it.
            for (TargetResult t : result.targets() == null ? List.<TargetResult>of() : result.targets()) {
                if (t.verdict() == Verdict.Error) {
                    LOG.warn("target {}: Error: {}", t.name(), t.reason());
                }
            }
        } catch (RuntimeException e) {
            // Counted as a failed run (StorageProbeProbeErrors alerts on it); the next interval tries again.
            metrics.recordFailure(
                    Duration.ofNanos(System.nanoTime() - start), clock.instant().getEpochSecond());
            LOG.warn("probe run failed: {}", e.toString());
        }
    }

    /** Until the interval is over or close() is called; a spurious wakeup does not probe early. */
    private void sleep(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (wakeup) {
            try {
                for (long left = duration.toNanos(); !stopped && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(wakeup, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }

    @Override
    public void close() {
        synchronized (wakeup) {
            stopped = true;
            wakeup.notifyAll();
        }
    }
}
