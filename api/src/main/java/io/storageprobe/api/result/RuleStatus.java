package io.storageprobe.api.result;

/** The outcome of one conformance rule on one target. */
public enum RuleStatus {
    Pass,
    Fail,
    /** The facts the rule needs were not measured or do not apply (the reason says which). */
    NotApplicable
}
