package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The preadv QEMU issues once it believes the buffer alignment: segments aligned to the probed
 * buffer alignment whose lengths are not multiples of the request alignment, at file offset 0.
 *
 * @param segments the iovec, in order
 * @param result   {@code OK}, or the errno name of the failure
 */
public record SplitVectorRead(
        @JsonPropertyDescription("The iovec, in order.") List<Segment> segments,

        @JsonPropertyDescription("OK, or the errno name of the failure.")
        String result) {
    public boolean ok() {
        return ProbeRead.OK.equals(result);
    }

    /** For messages: {@code {512@0xc00, 3584@0x200}}. */
    public String describe() {
        return segments.stream().map(Segment::toString).collect(Collectors.joining(", ", "{", "}"));
    }
}
