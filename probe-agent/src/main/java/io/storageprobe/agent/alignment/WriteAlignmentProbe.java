package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.ScratchWriteFile;
import io.storageprobe.api.result.ProbeWrite;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.WriteProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * The write side QEMU never probes, on the agent's own scratch file only: pwrite(fd, base, N, 0)
 * for N = 1, 512, 1024, 2048, 4096, 8192, then pwrite(fd, base + K, 4096, 0) for K = 1, 512,
 * 1024, 2048, 4096, with base page aligned. The smallest N and K that succeed are the write
 * alignments. Unlike QEMU, every errno counts as a failure: this is what the kernel accepts. The
 * buffer holds the byte the scratch file is filled with, so its first 8 KiB never change.
 */
public final class WriteAlignmentProbe {
    static final int[] LENGTHS = {1, 512, 1024, 2048, 4096, 8192};

    private WriteAlignmentProbe() {}

    /** Throws {@link io.storageprobe.agent.nativeio.NativeError} when the scratch file cannot be opened for O_DIRECT writes. */
    public static WriteProbe run(String scratch, StatxDioAlign statx, byte scratchFill) {
        try (ScratchWriteFile file = ScratchWriteFile.open(scratch);
                AlignedBuffer buffer = new AlignedBuffer(4L * Abi.PAGE).fill(scratchFill)) {
            List<ProbeWrite> writes = new ArrayList<>();
            Integer length = null;
            for (int n : LENGTHS) {
                DirectFile.Outcome outcome = file.pwrite(buffer.at(0), n, 0);
                writes.add(new ProbeWrite(n, 0, outcome.describe()));
                if (length == null && outcome.ok()) {
                    length = n;
                }
            }
            Integer alignment = null;
            for (int offset : QemuAlignment.CANDIDATES) {
                DirectFile.Outcome outcome = file.pwrite(buffer.at(offset), QemuAlignment.MAX_ALIGN, 0);
                writes.add(new ProbeWrite(QemuAlignment.MAX_ALIGN, offset, outcome.describe()));
                if (alignment == null && outcome.ok()) {
                    alignment = offset;
                }
            }
            return new WriteProbe(statx, writes, length, alignment);
        }
    }
}
