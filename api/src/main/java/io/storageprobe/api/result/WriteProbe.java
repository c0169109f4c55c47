package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * O_DIRECT writes to a file the agent created itself (never a user's file, never a device): the
 * smallest write length and buffer alignment the kernel really accepts. Unlike QEMU's probe, every
 * errno counts as a failure.
 *
 * @param statx              statx(STATX_DIOALIGN) of the written file just before the writes, or null
 * @param writes             pwrites of 1, 512, 1024, 2048, 4096, 8192 bytes, then of 4096 bytes at buffer offsets 1..4096
 * @param requestAlignment   the smallest write length that succeeded, or null if none did
 * @param bufferAlignment    the smallest buffer offset a 4096-byte write succeeded from, or null if none did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriteProbe(
        @JsonPropertyDescription(
                "Statx(STATX_DIOALIGN) of the written file just before the writes, or null where not reported.")
        StatxDioAlign statx,

        @JsonPropertyDescription(
                "Pwrites at offset 0 of 1, 512, 1024, 2048, 4096, 8192 bytes, then of 4096 bytes at buffer offsets 1..4096.")
        List<ProbeWrite> writes,

        @JsonPropertyDescription("The smallest write length that succeeded, or null if none did.")
        Integer requestAlignment,

        @JsonPropertyDescription("The smallest buffer offset a 4096-byte write succeeded from, or null if none did.")
        Integer bufferAlignment) {}
