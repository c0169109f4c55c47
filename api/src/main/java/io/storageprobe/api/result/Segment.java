package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One iovec entry of a vectored read.
 *
 * @param pageOffset offset of the segment's buffer from a 4096-aligned address
 * @param length     bytes in the segment
 */
public record Segment(
        @JsonPropertyDescription("Offset of the segment's buffer from a 4096-aligned address.")
        int pageOffset,

        @JsonPropertyDescription("Bytes in the segment.") int length) {
    @Override
    public String toString() {
        return length + "@0x" + Integer.toHexString(pageOffset);
    }
}
