package io.storageprobe.agent.verdict;

import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;

/**
 * A rule about what QEMU does with the alignments its probes concluded. Where they concluded
 * none, QEMU refuses cache=none (QemuAlignmentProbeRule says so) and these have nothing to judge.
 * On NFS QEMU does not probe and uses alignment 1 for both (QemuOnNfs): judged with those.
 */
interface ProbedAlignmentRule extends Rule {
    @Override
    default RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        if (QemuOnNfs.applies(filesystem)) {
            return evaluate(facts, filesystem, 1, 1);
        }
        Integer request = facts.probedRequestAlignment();
        Integer buffer = facts.probedBufferAlignment();
        if (request == null || buffer == null) {
            return outcome(RuleStatus.NotApplicable, "QEMU's probes found no working alignment up to 4096 bytes");
        }
        return evaluate(facts, filesystem, request, buffer);
    }

    RuleOutcome evaluate(TargetFacts facts, String filesystem, int request, int buffer);
}
