package io.storageprobe.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per probe, what the alerts need from the operator itself:
 * {@code storageprobe_probe_ready{probe,reason}} (the Ready condition, 1 when True, with its
 * reason) and {@code storageprobe_probe_interval_seconds{probe}} (spec.interval), from which the
 * stale-results alert derives its threshold instead of a fixed number.
 */
public final class ProbeStateGauges {
    private final MeterRegistry registry;
    private final Map<String, Ready> ready = new ConcurrentHashMap<>();
    private final Map<String, Interval> intervals = new ConcurrentHashMap<>();

    private record Ready(String reason, AtomicLong value, Gauge gauge) {}

    private record Interval(AtomicLong seconds, Gauge gauge) {}

    public ProbeStateGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param readyStatus the Ready condition's status (True, False, Unknown)
     * @param reason      its reason; a new reason replaces the series, so one series per probe
     * @param interval    the probe interval in force, or null while the spec is invalid
     */
    public void update(String probe, String readyStatus, String reason, Duration interval) {
        long value = "True".equals(readyStatus) ? 1 : 0;
        ready.compute(probe, (p, old) -> {
            if (old != null && old.reason().equals(reason)) {
                old.value().set(value);
                return old;
            }
            if (old != null) {
                registry.remove(old.gauge());
            }
            AtomicLong v = new AtomicLong(value);
            return new Ready(
                    reason,
                    v,
                    Gauge.builder("storageprobe.probe.ready", v, AtomicLong::get)
                            .description(
                                    "Whether the StorageProbe's Ready condition is True (1) or not (0): all targeted nodes "
                                            + "run an agent and reported; reason is the condition's reason, e.g. AgentPodsRefused")
                            .tag("probe", p)
                            .tag("reason", reason)
                            .register(registry));
        });
        if (interval == null) {
            removeInterval(probe);
            return;
        }
        intervals
                .computeIfAbsent(probe, p -> {
                    AtomicLong s = new AtomicLong();
                    return new Interval(
                            s,
                            Gauge.builder("storageprobe.probe.interval", s, AtomicLong::get)
                                    .description(
                                            "The StorageProbe's probe interval (spec.interval) in seconds: each node re-probes this often")
                                    .baseUnit("seconds")
                                    .tag("probe", p)
                                    .register(registry));
                })
                .seconds()
                .set(interval.toSeconds());
    }

    /** A deleted probe's series disappear rather than freeze at their last value. */
    public void remove(String probe) {
        Ready r = ready.remove(probe);
        if (r != null) {
            registry.remove(r.gauge());
        }
        removeInterval(probe);
    }

    private void removeInterval(String probe) {
        Interval i = intervals.remove(probe);
        if (i != null) {
            registry.remove(i.gauge());
        }
    }
}
