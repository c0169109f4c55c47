package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One rule applied to one target's facts.
 *
 * @param rule   the rule's name, e.g. {@code qemu-legacy-dio}
 * @param status Pass, Fail or NotApplicable
 * @param reason why, naming the numbers that decided it
 */
public record RuleOutcome(
        @JsonPropertyDescription("The rule's name, e.g. qemu-legacy-dio.")
        String rule,

        @JsonPropertyDescription("Pass, Fail or NotApplicable.")
        RuleStatus status,

        @JsonPropertyDescription("Why, naming the numbers that decided it.")
        String reason) {}
