package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One node listed in the status: an Affected one, or one with latent findings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AffectedNode(
        @JsonPropertyDescription("The node's name.") String node,

        @JsonPropertyDescription("The node's kernel release (uname -r).")
        String kernelRelease,

        @JsonPropertyDescription(
                "Names of the rules that failed on any of its targets, sorted (for latentNodes: the rules that cannot break the QEMU in force).")
        List<String> failedRules,

        @JsonPropertyDescription("Names of the targets those rules failed on, sorted.")
        List<String> targets) {}
