package io.storageprobe.api.result;

/**
 * One rule applied to one target's facts.
 *
 * @param rule   the rule's name, e.g. {@code qemu-legacy-dio}
 * @param status Pass, Fail or NotApplicable
 * @param reason why, naming the numbers that decided it
 */
public record RuleOutcome(String rule, RuleStatus status, String reason) {
}
