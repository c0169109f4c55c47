package io.storageprobe.agent.daemon;

import java.time.Duration;
import java.util.function.Function;

/**
 * How often the daemon looks at its StorageProbe, probes, and backs off while the API server is
 * unreachable.
 *
 * @param specRefresh how often the StorageProbe is re-read (a new generation means probe again now)
 * @param retryMin    first wait after a failed API call; doubles up to retryMax
 * @param retryMax    longest wait between API attempts
 * @param probeEvery  the time between two probe runs for the probe's settings: its spec.interval
 *                    here, at least a minute by the schema
 */
public record AgentTimings(
        Duration specRefresh, Duration retryMin, Duration retryMax, Function<ProbeSettings, Duration> probeEvery) {
    /**
     * The spec is re-read every 15 minutes: a changed spec also changes the DaemonSet's pod template
     * (restarting the agents), so this is only a fallback, and at 5,000 nodes a 1-minute poll would be
     * 300,000 GETs an hour (docs/performance.md).
     */
    public static final AgentTimings PRODUCTION = new AgentTimings(
            Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(2), ProbeSettings::interval);
}
