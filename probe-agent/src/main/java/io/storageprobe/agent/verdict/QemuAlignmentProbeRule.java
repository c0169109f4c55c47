package io.storageprobe.agent.verdict;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fails where the alignments QEMU's raw_probe_alignment concludes are not accepted by the kernel.
 * QEMU counts every errno but EINVAL as "aligned", so where a misaligned read fails with EIO
 * (dm-crypt on 6.0, 64K-page kernels from 6.18 until 9b0c3673c885) it settles on too small an
 * alignment, and the read it then issues, R bytes into a buffer at +B, fails at VM run time. This
 * breaks every QEMU: the probe is unchanged in every release. This rule alone reports a non-EINVAL
 * answer to a misaligned read; dio-alignment-honest judges statx only. Where the probes find no
 * working alignment at all (every read of up to 4096 bytes EINVAL: a logical block size above the
 * page size), raw_probe_alignment fails and QEMU refuses to open the disk with cache=none.
 */
public final class QemuAlignmentProbeRule implements Rule {
    @Override
    public String name() {
        return RuleCatalog.QEMU_ALIGNMENT_PROBE;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        if (QemuOnNfs.applies(filesystem)) {
            return unalignedOnNfs(facts);
        }
        if (facts.probedRequestAlignment() == null || facts.probedBufferAlignment() == null) {
            return outcome(
                    RuleStatus.Fail,
                    "QEMU's probes find no working O_DIRECT alignment up to 4096"
                            + " bytes (" + probeErrors(facts) + blockSize(facts)
                            + "), so QEMU refuses to open it with cache=none: \"Could not find working O_DIRECT alignment\"");
        }
        ProbeRead read = facts.conclusionRead();
        if (read == null) {
            return outcome(RuleStatus.NotApplicable, "the read QEMU issues with its concluded alignments was not made");
        }
        String conclusion =
                "QEMU concludes request alignment " + read.length() + " and buffer alignment " + read.bufferOffset();
        if (read.ok()) {
            return outcome(
                    RuleStatus.Pass,
                    conclusion + ", and a pread of " + read.length() + " bytes into a buffer at +" + read.bufferOffset()
                            + " succeeded");
        }
        return outcome(
                RuleStatus.Fail,
                conclusion + takenForAligned(facts) + ", but a pread of " + read.length() + " bytes into a buffer at +"
                        + read.bufferOffset() + " failed with " + read.result());
    }

    /** On NFS QEMU sends what the guest asks, unaligned: a 1-byte read and a buffer at +1 must work. */
    private RuleOutcome unalignedOnNfs(TargetFacts facts) {
        List<ProbeRead> unaligned = Stream.concat(
                        facts.requestProbes().stream().filter(r -> r.length() == 1 && r.bufferOffset() == 0),
                        facts.bufferProbes().stream().filter(r -> r.bufferOffset() == 1))
                .toList();
        List<String> failed = unaligned.stream()
                .filter(r -> !r.ok())
                .map(r -> "a pread of " + r.length() + " bytes into a buffer at +" + r.bufferOffset() + " failed with "
                        + r.result())
                .toList();
        if (unaligned.isEmpty()) {
            return outcome(RuleStatus.NotApplicable, QemuOnNfs.WHY + ", and no unaligned read was made");
        }
        return failed.isEmpty()
                ? outcome(RuleStatus.Pass, QemuOnNfs.WHY + ", and NFS O_DIRECT took a 1-byte read and a buffer at +1")
                : outcome(
                        RuleStatus.Fail,
                        QemuOnNfs.WHY + " and passes guest requests on as they come, but " + String.join("; ", failed));
    }

    private static String probeErrors(TargetFacts facts) {
        return Stream.concat(facts.requestProbes().stream(), facts.bufferProbes().stream())
                .map(ProbeRead::result)
                .distinct()
                .reduce((a, b) -> a + ", " + b)
                .map(errors -> "every read failed: " + errors)
                .orElse("no reads");
    }

    private static String blockSize(TargetFacts facts) {
        return facts.logicalBlockSize() == null ? "" : "; logical block size " + facts.logicalBlockSize();
    }

    /** The probe reads QEMU took for aligned although they failed: the errno that misled it. */
    private static String takenForAligned(TargetFacts facts) {
        List<String> misled = Stream.concat(facts.requestProbes().stream(), facts.bufferProbes().stream())
                .filter(r -> !r.ok() && !"EINVAL".equals(r.result()))
                .map(r -> r.length() + "@+" + r.bufferOffset() + " " + r.result())
                .toList();
        return misled.isEmpty()
                ? ""
                : " (only EINVAL counts as misaligned, so it took reads failing otherwise for" + " aligned: "
                        + String.join(", ", misled) + ")";
    }
}
