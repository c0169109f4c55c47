package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A toleration of the agent pods. Our own type rather than the core one so that every field is
 * documented and validated in the StorageProbe schema.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''",
        message = "spec.tolerations[].value must be empty when operator is Exists")
@ValidationRule(
        value = "has(self.key) || (has(self.operator) && self.operator == 'Exists')",
        message = "spec.tolerations[].operator must be Exists when key is empty")
public record ProbeToleration(
        @JsonPropertyDescription("Taint key the toleration applies to; empty with operator Exists matches every taint.")
        @Pattern("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
        @Size(max = 317)
        String key,

        @JsonPropertyDescription("Exists or Equal (default Equal).")
        TolerationOperator operator,

        @JsonPropertyDescription("Taint value to match when operator is Equal.")
        @Pattern("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
        @Size(max = 63)
        String value,

        @JsonPropertyDescription(
                "Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects.")
        TaintEffect effect,

        @JsonPropertyDescription(
                "For NoExecute taints: how long the pod stays bound after the taint appears, in seconds; unset means forever.")
        Long tolerationSeconds) {

    /** Operators of a toleration, as in the core API. */
    public enum TolerationOperator {
        Exists,
        Equal
    }

    /** Effects of a taint, as in the core API. */
    public enum TaintEffect {
        NoSchedule,
        PreferNoSchedule,
        NoExecute
    }
}
