package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A StorageProbeResult the operator did not count, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RefusedResult(
        @JsonPropertyDescription("The StorageProbeResult's name.")
        String name,

        @JsonPropertyDescription("The node the result claims to be about (its spec.node), if it names one.")
        String node,

        @JsonPropertyDescription(
                "Why it is not counted: malformed, or not written by the probe's agent Pod on that node.")
        String reason) {}
