package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One O_DIRECT pread made by an alignment probe.
 *
 * @param length       bytes asked for
 * @param bufferOffset offset of the user buffer from a 4096-aligned address
 * @param result       {@code OK}, or the errno name of the failure (e.g. {@code EINVAL}, {@code EIO})
 */
public record ProbeRead(
        @JsonPropertyDescription("Bytes asked for.") int length,

        @JsonPropertyDescription("Offset of the user buffer from a 4096-aligned address.")
        int bufferOffset,

        @JsonPropertyDescription("OK, or the errno name of the failure (e.g. EINVAL, EIO).")
        String result) {
    public static final String OK = "OK";

    public boolean ok() {
        return OK.equals(result);
    }
}
