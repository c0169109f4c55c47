package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The volumes of one StorageClass that the agents probed: will a VM disk of this class work? */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageClassSummary(
        @JsonPropertyDescription(
                "The StorageClass named by the probed volumes' PersistentVolumes; \"(none)\" for PersistentVolumes without one, \"(unknown)\" for volumes whose PersistentVolume the operator cannot find.")
        String storageClass,

        @JsonPropertyDescription("False when the StorageClass no longer exists (its PersistentVolumes still do).")
        Boolean exists,

        @JsonPropertyDescription("The StorageClass's provisioner, when it exists.")
        String provisioner,

        @JsonPropertyDescription("Nodes on which volumes of this class were probed.")
        int nodes,

        @JsonPropertyDescription("Volumes probed: one per PersistentVolume and node.")
        int volumes,

        @JsonPropertyDescription("Volumes whose verdict is Compatible.")
        int compatible,

        @JsonPropertyDescription("Volumes whose verdict is Unsupported (e.g. no disk image in a filesystem volume).")
        int unsupported,

        @JsonPropertyDescription("Volumes whose verdict is Error.")
        int error,

        @JsonPropertyDescription(
                "Volumes whose verdict is Affected: a VM with cache=none on them fails with the QEMU in force.")
        int affected,

        @JsonPropertyDescription("Affected volumes, sorted by PersistentVolume and node, at most 5.")
        List<AffectedVolume> affectedVolumes,

        @JsonPropertyDescription("True when more volumes are Affected than affectedVolumes lists.")
        Boolean affectedVolumesTruncated) {

    /** Examples per class; the counts say how many there are. */
    public static final int MAX_AFFECTED_VOLUMES = 5;
    /** Classes listed in the status; a cluster with more is truncated, and says so. */
    public static final int MAX_STORAGE_CLASSES = 100;

    public static final String NO_CLASS = "(none)";
    public static final String UNKNOWN_VOLUME = "(unknown)";
}
