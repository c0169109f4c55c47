package io.storageprobe.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.Summary;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code storageprobe_nodes{probe,verdict}}: how many reported nodes of each probe have each verdict. */
public final class NodeVerdictGauges {
    private final MeterRegistry registry;
    private final Map<String, Map<Verdict, AtomicInteger>> byProbe = new ConcurrentHashMap<>();
    private final Map<String, Map<Verdict, Gauge>> gauges = new ConcurrentHashMap<>();

    public NodeVerdictGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void update(String probe, Summary summary) {
        Map<Verdict, AtomicInteger> values = byProbe.computeIfAbsent(probe, this::register);
        values.get(Verdict.Compatible).set(summary.compatible());
        values.get(Verdict.Affected).set(summary.affected());
        values.get(Verdict.Unsupported).set(summary.unsupported());
        values.get(Verdict.Error).set(summary.error());
    }

    /** A deleted probe's series disappear rather than freeze at their last value. */
    public void remove(String probe) {
        byProbe.remove(probe);
        Map<Verdict, Gauge> removed = gauges.remove(probe);
        if (removed != null) {
            removed.values().forEach(registry::remove);
        }
    }

    private Map<Verdict, AtomicInteger> register(String probe) {
        Map<Verdict, AtomicInteger> values = new EnumMap<>(Verdict.class);
        Map<Verdict, Gauge> meters = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            AtomicInteger value = new AtomicInteger();
            values.put(v, value);
            meters.put(
                    v,
                    Gauge.builder("storageprobe.nodes", value, AtomicInteger::get)
                            .description("Reported nodes of a StorageProbe per verdict")
                            .tag("probe", probe)
                            .tag("verdict", v.name())
                            .register(registry));
        }
        gauges.put(probe, meters);
        return values;
    }
}
