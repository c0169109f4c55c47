package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What statx(STATX_DIOALIGN) advertises for O_DIRECT on the target (Linux 6.1 and later).
 *
 * @param memAlign        stx_dio_mem_align: required alignment of user buffers, in bytes
 * @param offsetAlign     stx_dio_offset_align: required alignment of file offsets and lengths
 * @param readOffsetAlign stx_dio_read_offset_align (Linux 6.14+, xfs only), or null where not reported
 */
public record StatxDioAlign(
        @JsonPropertyDescription("Stx_dio_mem_align: required alignment of user buffers, in bytes.")
        int memAlign,

        @JsonPropertyDescription("Stx_dio_offset_align: required alignment of file offsets and lengths.")
        int offsetAlign,

        @JsonPropertyDescription("Stx_dio_read_offset_align (Linux 6.14+, xfs only), or null where not reported.")
        Integer readOffsetAlign) {
    @Override
    public String toString() {
        return memAlign + "/" + offsetAlign;
    }
}
