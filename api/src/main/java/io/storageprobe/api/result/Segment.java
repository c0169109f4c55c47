package io.storageprobe.api.result;

/**
 * One iovec entry of a vectored read.
 *
 * @param pageOffset offset of the segment's buffer from a 4096-aligned address
 * @param length     bytes in the segment
 */
public record Segment(int pageOffset, int length) {
    @Override
    public String toString() {
        return length + "@0x" + Integer.toHexString(pageOffset);
    }
}
