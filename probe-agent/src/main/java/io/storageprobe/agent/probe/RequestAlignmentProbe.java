package io.storageprobe.agent.probe;

import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.api.result.ProbeRead;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's request-alignment probe: pread(fd, page-aligned buffer, N, 0) for N = 1, 512, 1024,
 * 2048, 4096. The first N that "works" is the request alignment, except that 1 means QEMU falls
 * back to max_align. Every read is made, so the facts show the whole pattern.
 */
public final class RequestAlignmentProbe {
    public record Result(List<ProbeRead> reads, Integer alignment) {
    }

    private RequestAlignmentProbe() {
    }

    public static Result run(DirectFile file, AlignedBuffer buffer) {
        List<ProbeRead> reads = new ArrayList<>();
        Integer alignment = null;
        for (int length : QemuAlignment.CANDIDATES) {
            DirectFile.Outcome outcome = file.pread(buffer.at(0), length, 0);
            reads.add(new ProbeRead(length, 0, outcome.describe()));
            if (alignment == null && QemuAlignment.looksAligned(outcome)) {
                alignment = length == 1 ? QemuAlignment.MAX_ALIGN : length;
            }
        }
        return new Result(reads, alignment);
    }
}
