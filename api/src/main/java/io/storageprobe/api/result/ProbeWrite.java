package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One O_DIRECT pwrite made by the write probe, at file offset 0 of the agent's own scratch file.
 *
 * @param length       bytes written
 * @param bufferOffset offset of the user buffer from a 4096-aligned address
 * @param result       {@code OK}, or the errno name of the failure (e.g. {@code EINVAL})
 */
public record ProbeWrite(
        @JsonPropertyDescription("Bytes written.") int length,

        @JsonPropertyDescription("Offset of the user buffer from a 4096-aligned address.")
        int bufferOffset,

        @JsonPropertyDescription("OK, or the errno name of the failure (e.g. EINVAL).")
        String result) {

    public boolean ok() {
        return ProbeRead.OK.equals(result);
    }
}
