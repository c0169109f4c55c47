package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonValue;

/** What was probed: a block device, a directory (through a temporary file) or an existing file. */
public enum TargetKind {
    DEVICE, PATH, FILE;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
