package io.storageprobe.agent.verdict;

import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;

/** A conformance rule: a pure function of one target's facts. Its name is part of the API. */
public interface Rule {
    String name();

    /** @param filesystem the target's filesystem type, or null for a block device */
    RuleOutcome evaluate(TargetFacts facts, String filesystem);

    default RuleOutcome outcome(RuleStatus status, String reason) {
        return new RuleOutcome(name(), status, reason);
    }
}
