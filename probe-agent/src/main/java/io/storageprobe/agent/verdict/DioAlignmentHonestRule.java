package io.storageprobe.agent.verdict;

import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks QEMU's alignment reads against what statx(STATX_DIOALIGN) advertises: reads that meet
 * it must succeed, reads that violate it must fail, and failures must say EINVAL. EIO for a
 * misaligned read (dm-crypt) makes every EINVAL-based prober, QEMU's included, conclude wrongly.
 * Without STATX_DIOALIGN (before Linux 6.1) only the errno part can be checked.
 */
public final class DioAlignmentHonestRule implements Rule {
    public static final String NAME = "dio-alignment-honest";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        List<ProbeRead> reads = Stream.concat(facts.requestProbes().stream(), facts.bufferProbes().stream()).toList();
        if (reads.stream().noneMatch(ProbeRead::ok)) {
            return outcome(RuleStatus.NotApplicable, "no read succeeded, so rejections cannot be judged");
        }
        StatxDioAlign statx = facts.statx();
        List<String> broken = new ArrayList<>();
        for (ProbeRead read : reads) {
            if (!read.ok() && !"EINVAL".equals(read.result())) {
                broken.add(describe(read) + " failed with " + read.result() + ", not EINVAL");
            } else if (statx != null) {
                boolean meets = read.bufferOffset() % statx.memAlign() == 0 && read.length() % statx.offsetAlign() == 0;
                if (meets && !read.ok()) {
                    broken.add(describe(read) + " meets statx " + statx + " but failed with " + read.result());
                } else if (!meets && read.ok()) {
                    broken.add(describe(read) + " violates statx " + statx + " but succeeded");
                }
            }
        }
        if (!broken.isEmpty()) {
            return outcome(RuleStatus.Fail, String.join("; ", broken));
        }
        return outcome(RuleStatus.Pass, statx == null
                ? "misaligned reads failed with EINVAL (the kernel does not report STATX_DIOALIGN)"
                : "every read meeting statx mem/offset alignment " + statx
                        + " succeeded and every other one failed with EINVAL");
    }

    private static String describe(ProbeRead read) {
        return "pread of " + read.length() + " bytes at buffer +" + read.bufferOffset();
    }
}
