package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What the agent measured on one target. A null field was not measured or is not available
 * on this kernel (for example dma_alignment before Linux 6.0, STATX_DIOALIGN before 6.1).
 *
 * @param logicalBlockSize       logical block size of the backing device (BLKSSZGET, or sysfs for files)
 * @param physicalBlockSize      physical block size of the backing device (BLKPBSZGET, or sysfs)
 * @param dmaAlignment           queue/dma_alignment + 1: the user buffer alignment the block layer accepts
 * @param statx                  what statx(STATX_DIOALIGN) advertises, or null where it is not reported
 * @param requestProbes          QEMU's request-alignment probe: preads of 1, 512, 1024, 2048, 4096 bytes
 * @param bufferProbes           QEMU's buffer-alignment probe: preads of 4096 bytes at buffer offsets 1..4096
 * @param probedRequestAlignment the request alignment QEMU concludes from those reads
 * @param probedBufferAlignment  the buffer alignment QEMU concludes from those reads
 * @param splitVector            the vectored read QEMU then issues, or null where the alignments do not call for one
 * @param conclusionRead         the read QEMU then really issues: the request alignment's length into a buffer at
 *                               the buffer alignment, or null where the probes concluded nothing
 * @param writeProbe             O_DIRECT writes to the agent's scratch file (path targets only), or null
 * @param reflinkWriteProbe      the same writes to a reflinked clone of the scratch file (filesystems with
 *                               FICLONE: xfs, btrfs), or null
 * @param requestAlignmentSource where QEMU takes the request alignment from, in raw_probe_alignment's order:
 *                               BLKSSZGET (devices), XFS_IOC_DIOINFO (xfs files) or reads (the read probe)
 * @param holeAtOffsetZero       files only: the probes' offset 0 is a hole (lseek SEEK_DATA), where iomap
 *                               filesystems zero-fill O_DIRECT reads without checking their alignment
 * @param virtBoundaryMask       queue/virt_boundary_mask of the device beneath: non-zero (NVMe's PRP: 4095)
 *                               where every segment but the first must start, and all but the last end, on
 *                               that boundary; null where the kernel has no such file
 * @param loop                   the loop device beneath the target and whether it does direct I/O, or null
 * @param imageBytes             files only: the file's size in bytes, the size QEMU gives a raw image, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetFacts(
        @JsonPropertyDescription("Logical block size of the backing device (BLKSSZGET, or sysfs for files).")
        Integer logicalBlockSize,

        @JsonPropertyDescription("Physical block size of the backing device (BLKPBSZGET, or sysfs).")
        Integer physicalBlockSize,

        @JsonPropertyDescription("Queue/dma_alignment + 1: the user buffer alignment the block layer accepts.")
        Integer dmaAlignment,

        @JsonPropertyDescription("What statx(STATX_DIOALIGN) advertises, or null where it is not reported.")
        StatxDioAlign statx,

        @JsonPropertyDescription("QEMU's request-alignment probe: preads of 1, 512, 1024, 2048, 4096 bytes.")
        List<ProbeRead> requestProbes,

        @JsonPropertyDescription("QEMU's buffer-alignment probe: preads of 4096 bytes at buffer offsets 1..4096.")
        List<ProbeRead> bufferProbes,

        @JsonPropertyDescription("The request alignment QEMU concludes from those reads.")
        Integer probedRequestAlignment,

        @JsonPropertyDescription("The buffer alignment QEMU concludes from those reads.")
        Integer probedBufferAlignment,

        @JsonPropertyDescription(
                "The vectored read QEMU then issues, or null where the alignments do not call for one.")
        SplitVectorRead splitVector,

        @JsonPropertyDescription(
                "The read QEMU then really issues: the request alignment's length into a buffer at the buffer alignment, or null where the probes concluded nothing.")
        ProbeRead conclusionRead,

        @JsonPropertyDescription(
                "O_DIRECT writes to the agent's own scratch file (path targets only; never a user's file or a device), or null.")
        WriteProbe writeProbe,

        @JsonPropertyDescription(
                "The same writes to a reflinked (copy-on-write) clone of the scratch file, where the filesystem supports FICLONE (xfs, btrfs), or null.")
        WriteProbe reflinkWriteProbe,

        @JsonPropertyDescription(
                "Files only: true where the probes' offset 0 is a hole of the file (lseek SEEK_DATA, sparse disk images), where iomap filesystems zero-fill O_DIRECT reads without checking their alignment; null for devices.")
        Boolean holeAtOffsetZero,

        @JsonPropertyDescription(
                "Where QEMU takes the request alignment from, in raw_probe_alignment's order: BLKSSZGET (block devices), XFS_IOC_DIOINFO (files on xfs), else reads (the read probe).")
        String requestAlignmentSource,

        @JsonPropertyDescription(
                "Queue/virt_boundary_mask of the device beneath: non-zero (NVMe's PRP: 4095) where each segment of a request but the first must start, and each but the last end, on that boundary; 0 where there is none; null where the kernel has no such file.")
        Long virtBoundaryMask,

        @JsonPropertyDescription(
                "The loop device beneath the target (the target, or a device its filesystem or device-mapper table is on) and whether it does direct I/O on its backing file, or null.")
        LoopBacking loop,

        @JsonPropertyDescription(
                "Files only (--file and the disk.img of volume targets): the file's size in bytes, which QEMU takes as a raw image's size; null for devices and directories.")
        Long imageBytes) {

    /** Facts without the queue's virt_boundary and loop details (fixtures and tests). */
    public TargetFacts(
            Integer logicalBlockSize,
            Integer physicalBlockSize,
            Integer dmaAlignment,
            StatxDioAlign statx,
            List<ProbeRead> requestProbes,
            List<ProbeRead> bufferProbes,
            Integer probedRequestAlignment,
            Integer probedBufferAlignment,
            SplitVectorRead splitVector,
            ProbeRead conclusionRead,
            WriteProbe writeProbe,
            WriteProbe reflinkWriteProbe,
            Boolean holeAtOffsetZero,
            String requestAlignmentSource) {
        this(
                logicalBlockSize,
                physicalBlockSize,
                dmaAlignment,
                statx,
                requestProbes,
                bufferProbes,
                probedRequestAlignment,
                probedBufferAlignment,
                splitVector,
                conclusionRead,
                writeProbe,
                reflinkWriteProbe,
                holeAtOffsetZero,
                requestAlignmentSource,
                null,
                null,
                null);
    }

    /** These facts with the write probes of a path target added. */
    public TargetFacts withWriteProbes(WriteProbe scratch, WriteProbe reflinkClone) {
        return new TargetFacts(
                logicalBlockSize,
                physicalBlockSize,
                dmaAlignment,
                statx,
                requestProbes,
                bufferProbes,
                probedRequestAlignment,
                probedBufferAlignment,
                splitVector,
                conclusionRead,
                scratch,
                reflinkClone,
                holeAtOffsetZero,
                requestAlignmentSource,
                virtBoundaryMask,
                loop,
                imageBytes);
    }

    /** These facts with a file target's size added. */
    public TargetFacts withImageBytes(Long bytes) {
        return new TargetFacts(
                logicalBlockSize,
                physicalBlockSize,
                dmaAlignment,
                statx,
                requestProbes,
                bufferProbes,
                probedRequestAlignment,
                probedBufferAlignment,
                splitVector,
                conclusionRead,
                writeProbe,
                reflinkWriteProbe,
                holeAtOffsetZero,
                requestAlignmentSource,
                virtBoundaryMask,
                loop,
                bytes);
    }
}
