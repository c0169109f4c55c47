package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What the operator does to nodes with their verdict. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeActions(
        @JsonPropertyDescription(
                "Label each node verdict.storageprobe.io/<probe>=<verdict> (Compatible, Affected, Unsupported or Error), so that VMs can avoid Affected nodes with a nodeAffinity. Default: true.")
        @Default("true")
        Boolean label,

        @JsonPropertyDescription(
                "Taint Affected nodes storageprobe.io/affected with this effect: None, PreferNoSchedule or NoSchedule. Default: None.")
        @Default("None")
        TaintAction taint) {

    /** The taint effects a probe may ask for; NoExecute is left out on purpose: it would evict running VMs. */
    public enum TaintAction {
        None,
        PreferNoSchedule,
        NoSchedule
    }
}
