package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.api.result.ProbeRead;

/**
 * The read QEMU really issues once raw_probe_alignment has settled on request alignment R and
 * buffer alignment B: pread(fd, base + B, R, 0). QEMU never makes it while probing. Where the
 * probe took an EIO for "aligned" (dm-crypt on 6.0, 64K-page kernels from 6.18 until
 * 9b0c3673c885), this is the read that fails with EIO at VM run time.
 */
public final class ConclusionReadProbe {
    private ConclusionReadProbe() {}

    /** The read, or null when QEMU's probes concluded nothing (QEMU then refuses to open the disk). */
    public static ProbeRead run(
            DirectFile file, AlignedBuffer buffer, Integer requestAlignment, Integer bufferAlignment) {
        if (requestAlignment == null || bufferAlignment == null) {
            return null;
        }
        DirectFile.Outcome outcome = file.pread(buffer.at(bufferAlignment), requestAlignment, 0);
        return new ProbeRead(requestAlignment, bufferAlignment, outcome.describe());
    }
}
