package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What was probed: a block device, a directory (through a temporary file), an existing file, or a
 * volume kubelet attached to the node (a PersistentVolume, read through its device or its disk image).
 */
public enum TargetKind {
    DEVICE,
    PATH,
    FILE,
    VOLUME;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
