package io.storageprobe.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageClassSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code storageprobe_storageclass_volumes{probe,storage_class,verdict}}: the probed volumes of
 * each StorageClass per verdict. One series per class and verdict, never per volume or pod, so
 * the number of series is bounded by the StorageClasses (at most 100 per probe, as the status).
 */
public final class StorageClassGauges {
    private final MultiGauge volumes;
    private final Map<String, List<MultiGauge.Row<?>>> rowsByProbe = new TreeMap<>();

    public StorageClassGauges(MeterRegistry registry) {
        volumes = MultiGauge.builder("storageprobe.storageclass.volumes")
                .description("Probed volumes (PersistentVolumes attached to nodes) of a StorageClass per verdict; "
                        + "storage_class is \"(none)\" for PersistentVolumes without a class")
                .register(registry);
    }

    public synchronized void update(String probe, List<StorageClassSummary> classes) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (StorageClassSummary c : classes == null ? List.<StorageClassSummary>of() : classes) {
            add(rows, probe, c.storageClass(), Verdict.Compatible, c.compatible());
            add(rows, probe, c.storageClass(), Verdict.Affected, c.affected());
            add(rows, probe, c.storageClass(), Verdict.Unsupported, c.unsupported());
            add(rows, probe, c.storageClass(), Verdict.Error, c.error());
        }
        rowsByProbe.put(probe, rows);
        publish();
    }

    /** A deleted probe's series, and those of classes no longer seen, disappear rather than freeze. */
    public synchronized void remove(String probe) {
        rowsByProbe.remove(probe);
        publish();
    }

    private void publish() {
        volumes.register(rowsByProbe.values().stream().flatMap(List::stream).toList(), true);
    }

    private static void add(
            List<MultiGauge.Row<?>> rows, String probe, String storageClass, Verdict verdict, int count) {
        rows.add(MultiGauge.Row.of(
                Tags.of("probe", probe, "storage_class", storageClass, "verdict", verdict.name()), count));
    }
}
