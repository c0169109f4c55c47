package io.storageprobe.agent.verdict;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks QEMU's alignment reads against what statx(STATX_DIOALIGN) advertises: reads that meet it
 * must succeed and reads that violate it must fail. Reads are held to stx_dio_read_offset_align
 * where the kernel reports it (STATX_DIO_READ_ALIGN, xfs copy-on-write files), else to
 * stx_dio_offset_align. A wrong statx misleads every prober that
 * trusts it. Which errno a rejected read gives is not judged here: EIO instead of EINVAL matters
 * only where it misleads QEMU, and qemu-alignment-probe reports that, once. Without
 * STATX_DIOALIGN (before Linux 6.1, btrfs) there is nothing to check. Where offset 0 is a hole
 * (a sparse disk image), iomap zero-fills reads without checking their alignment, so there a read
 * that violates statx and succeeds proves nothing; one that meets it and fails still does.
 */
public final class DioAlignmentHonestRule implements Rule {
    @Override
    public String name() {
        return RuleCatalog.DIO_ALIGNMENT_HONEST;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        if (QemuOnNfs.applies(filesystem)) {
            return outcome(
                    RuleStatus.NotApplicable,
                    QemuOnNfs.WHY + " and never asks statx; NFS O_DIRECT takes any"
                            + " alignment whatever statx says, and qemu-alignment-probe judges the reads QEMU sends there");
        }
        StatxDioAlign statx = facts.statx();
        if (statx == null) {
            return outcome(RuleStatus.NotApplicable, "the kernel does not report STATX_DIOALIGN here");
        }
        List<ProbeRead> reads = Stream.concat(facts.requestProbes().stream(), facts.bufferProbes().stream())
                .toList();
        if (reads.stream().noneMatch(ProbeRead::ok)) {
            return outcome(RuleStatus.NotApplicable, "no read succeeded, so rejections cannot be judged");
        }
        int offsetAlign = statx.readOffsetAlign() != null ? statx.readOffsetAlign() : statx.offsetAlign();
        String promise = statx.memAlign() + "/" + offsetAlign;
        List<String> broken = new ArrayList<>();
        for (ProbeRead read : reads) {
            boolean meets = read.bufferOffset() % statx.memAlign() == 0 && read.length() % offsetAlign == 0;
            if (meets && !read.ok()) {
                broken.add(describe(read) + " meets statx " + promise + " but failed with " + read.result());
            } else if (!meets && read.ok() && !Boolean.TRUE.equals(facts.holeAtOffsetZero())) {
                broken.add(describe(read) + " violates statx " + promise + " but succeeded");
            }
        }
        if (!broken.isEmpty()) {
            return outcome(RuleStatus.Fail, String.join("; ", broken));
        }
        if (Boolean.TRUE.equals(facts.holeAtOffsetZero())) {
            return outcome(
                    RuleStatus.Pass,
                    "every read meeting statx mem/offset alignment " + promise + " succeeded;"
                            + " offset 0 is a hole, where reads are zero-filled without an alignment check, so the others"
                            + " prove nothing");
        }
        return outcome(
                RuleStatus.Pass,
                "every read meeting statx mem/offset alignment " + promise + " succeeded and every other one failed");
    }

    private static String describe(ProbeRead read) {
        return "pread of " + read.length() + " bytes at buffer +" + read.bufferOffset();
    }
}
