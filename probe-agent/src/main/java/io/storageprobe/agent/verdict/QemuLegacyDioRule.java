package io.storageprobe.agent.verdict;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.SplitVectorRead;
import io.storageprobe.api.result.TargetFacts;

/**
 * Fails where QEMU before 7.2 (KubeVirt up to v0.58) cannot boot a VM with cache=none: its probes
 * find a buffer alignment below the request alignment, so it issues preadv segments of the buffer
 * alignment's size, and the kernel (6.0 to 6.17) rejects them.
 */
public final class QemuLegacyDioRule implements ProbedAlignmentRule {
    @Override
    public String name() {
        return RuleCatalog.QEMU_LEGACY_DIO;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem, int request, int buffer) {
        if (buffer >= request) {
            return outcome(
                    RuleStatus.Pass,
                    "buffer alignment " + buffer + " >= request alignment " + request
                            + ": QEMU never splits a request into smaller segments");
        }
        SplitVectorRead split = facts.splitVector();
        if (split == null) {
            return outcome(
                    RuleStatus.NotApplicable,
                    "buffer alignment " + buffer + " < request alignment " + request
                            + " but the split-vector read was not made");
        }
        String numbers =
                "buffer alignment " + buffer + " < request alignment " + request + " and preadv " + split.describe();
        return split.ok()
                ? outcome(RuleStatus.Pass, numbers + " succeeded")
                : outcome(RuleStatus.Fail, numbers + " failed with " + split.result());
    }
}
