package io.storageprobe.operator.status;

import io.storageprobe.api.v1alpha1.StorageClassSummary;
import java.util.List;

/** The status's per-StorageClass part: the listed classes, and whether more had to be left out. */
public record StorageClassReport(List<StorageClassSummary> classes, boolean truncated) {
    public static final StorageClassReport NONE = new StorageClassReport(List.of(), false);
}
