package io.storageprobe.agent.daemon;

import java.time.Duration;

/**
 * How often the daemon looks at its StorageProbe and how it backs off while the API server is
 * unreachable.
 *
 * @param specRefresh      how often the StorageProbe is re-read (a new generation means probe again now)
 * @param retryMin         first wait after a failed API call; doubles up to retryMax
 * @param retryMax         longest wait between API attempts
 * @param intervalOverride replaces spec.interval when not null; only tests set it, since the schema's
 *                         minimum of 1m would make them slow
 */
public record AgentTimings(Duration specRefresh, Duration retryMin, Duration retryMax, Duration intervalOverride) {
    public static final AgentTimings PRODUCTION =
            new AgentTimings(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(2), null);
}
