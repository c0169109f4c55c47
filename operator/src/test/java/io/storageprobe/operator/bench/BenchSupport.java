package io.storageprobe.operator.bench;

import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.Summary;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** What {@link FleetBench} (mock API server) and {@link RealFleetBench} (real control plane) both do. */
final class BenchSupport {
    /** The operator counts as done when it has made no request but watches for this long. */
    static final long QUIET_MILLIS = 5_000;

    private BenchSupport() {}

    /** Whether the probe's status counts {@code nodes} nodes, every one reported, with the {@code expected} verdicts. */
    static boolean matches(StorageProbe p, int nodes, Map<Verdict, Integer> expected) {
        if (p == null || p.getStatus() == null || p.getStatus().summary() == null) {
            return false;
        }
        Summary s = p.getStatus().summary();
        return s.nodesTargeted() == nodes
                && s.nodesReported() == nodes
                && s.compatible() == expected.getOrDefault(Verdict.Compatible, 0)
                && s.affected() == expected.getOrDefault(Verdict.Affected, 0)
                && s.unsupported() == expected.getOrDefault(Verdict.Unsupported, 0)
                && s.error() == expected.getOrDefault(Verdict.Error, 0);
    }

    /**
     * Waits until {@code requests} (the operator's requests but watches, so far) has not changed
     * for {@link #QUIET_MILLIS}, polling every {@code pollMillis}.
     *
     * @return when the last request came, in seconds since {@code start} (System.nanoTime)
     */
    static double waitQuiet(LongSupplier requests, long pollMillis, long start) throws InterruptedException {
        long seen = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
            long now = requests.getAsLong();
            if (now != seen) {
                seen = now;
                lastChange = System.nanoTime();
            }
            Thread.sleep(pollMillis);
        }
        return (lastChange - start) / 1e9;
    }

    /** Asks the operator process ({@link OperatorUnderBench}) for its STATS line; null if none came in 30 s. */
    static String stats(PrintStream toOperator, LinkedBlockingQueue<String> lines) throws InterruptedException {
        toOperator.println("stats");
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null || line.startsWith("STATS")) {
                return line;
            }
        }
    }
}
