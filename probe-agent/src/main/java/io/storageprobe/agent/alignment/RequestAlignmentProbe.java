package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.api.result.ProbeRead;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's request alignment, in raw_probe_alignment's order: BLKSSZGET's logical block size, then
 * for a file XFS_IOC_DIOINFO's d_miniosz (which wins where both answer), and only where neither answers the
 * read probe: pread(fd, page-aligned buffer, N, 0) for N = 1, 512, 1024, 2048, 4096, the first N
 * that "works", except that 1 means QEMU falls back to max_align. The reads are made in every
 * case, so the facts show the whole pattern.
 */
public final class RequestAlignmentProbe {
    /** Where the alignment came from: the API's names (TargetFacts.requestAlignmentSource). */
    public static final String BLKSSZGET = "BLKSSZGET", XFS_DIOINFO = "XFS_IOC_DIOINFO", READS = "reads";

    public record Result(List<ProbeRead> reads, Integer alignment, String source) {}

    private RequestAlignmentProbe() {}

    /** @param logicalBlockSize BLKSSZGET's answer for a device (the caller asked it already), null for files */
    public static Result run(DirectFile file, AlignedBuffer buffer, Integer logicalBlockSize) {
        List<ProbeRead> reads = new ArrayList<>();
        Integer probed = null;
        for (int length : QemuAlignment.CANDIDATES) {
            DirectFile.Outcome outcome = file.pread(buffer.at(0), length, 0);
            reads.add(new ProbeRead(length, 0, outcome.describe()));
            if (probed == null && QemuAlignment.looksAligned(outcome)) {
                probed = length == 1 ? QemuAlignment.MAX_ALIGN : length;
            }
        }
        // QEMU asks XFS_IOC_DIOINFO only of a file on XFS (s->is_xfs, platform_test_xfs), never of
        // a block device: its ioctl fails there, and its thrown errno was an eighth of a device's
        // probing time (docs/performance.md "Agent probe cost vs C").
        Integer dioinfo = logicalBlockSize == null ? file.xfsDioMinIoSize() : null;
        if (dioinfo != null && dioinfo > 0) {
            return new Result(reads, dioinfo, XFS_DIOINFO);
        }
        if (logicalBlockSize != null && logicalBlockSize > 0) {
            return new Result(reads, logicalBlockSize, BLKSSZGET);
        }
        return new Result(reads, probed, READS);
    }
}
