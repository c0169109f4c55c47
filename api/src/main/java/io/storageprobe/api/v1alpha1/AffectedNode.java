package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One Affected node, as listed in the status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AffectedNode(
        @JsonPropertyDescription("The node's name.")
        String node,
        @JsonPropertyDescription("The node's kernel release (uname -r).")
        String kernelRelease,
        @JsonPropertyDescription("Names of the rules that failed on any of its targets, sorted.")
        List<String> failedRules,
        @JsonPropertyDescription("Names of its Affected targets, sorted.")
        List<String> targets) {
}
