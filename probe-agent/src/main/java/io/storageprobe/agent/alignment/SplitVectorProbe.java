package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.api.result.Segment;
import io.storageprobe.api.result.SplitVectorRead;
import java.util.List;

/**
 * The read QEMU before 7.2 issues once it trusts a buffer alignment B below the request alignment
 * R: one logical block gathered from two pages, {B bytes at page offset 4096-2B, R-B bytes at page
 * offset B}. For B=512, R=4096 that is the {512@0xc00, 3584@0x200} preadv that failed to boot VMs
 * on Linux 6.0-6.17, which demand every segment length be a multiple of the logical block size.
 */
public final class SplitVectorProbe {
    private SplitVectorProbe() {}

    /** The segments to read, or null when QEMU would never split (B >= R) or R exceeds a page. */
    public static List<Segment> segments(Integer requestAlignment, Integer bufferAlignment) {
        if (requestAlignment == null
                || bufferAlignment == null
                || bufferAlignment >= requestAlignment
                || requestAlignment > Abi.PAGE) {
            return null;
        }
        int b = bufferAlignment;
        return List.of(new Segment(Abi.PAGE - 2 * b, b), new Segment(b, requestAlignment - b));
    }

    /** Reads the segments at offset 0 from pages 0 and 1 of {@code buffer}. */
    public static SplitVectorRead run(DirectFile file, AlignedBuffer buffer, List<Segment> segments) {
        Segment first = segments.get(0);
        Segment second = segments.get(1);
        DirectFile.Outcome outcome = file.preadv(
                List.of(buffer.at(first.pageOffset()), buffer.at(Abi.PAGE + second.pageOffset())),
                List.of(first.length(), second.length()),
                0);
        return new SplitVectorRead(segments, outcome.describe());
    }
}
