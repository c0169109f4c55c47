package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.api.result.ProbeRead;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's buffer-alignment probe: pread(fd, base + K, 4096, 0) for K = 1, 512, 1024, 2048, 4096,
 * where base is page aligned. The first K that "works" is the buffer alignment; 1 means QEMU uses
 * the request alignment instead.
 */
public final class BufferAlignmentProbe {
    public record Result(List<ProbeRead> reads, Integer alignment) {}

    private BufferAlignmentProbe() {}

    public static Result run(DirectFile file, AlignedBuffer buffer, Integer requestAlignment) {
        List<ProbeRead> reads = new ArrayList<>();
        Integer alignment = null;
        for (int offset : QemuAlignment.CANDIDATES) {
            DirectFile.Outcome outcome = file.pread(buffer.at(offset), QemuAlignment.MAX_ALIGN, 0);
            reads.add(new ProbeRead(QemuAlignment.MAX_ALIGN, offset, outcome.describe()));
            if (alignment == null && QemuAlignment.looksAligned(outcome)) {
                alignment = offset == 1 ? requestAlignment : Integer.valueOf(offset);
            }
        }
        return new Result(reads, alignment);
    }
}
