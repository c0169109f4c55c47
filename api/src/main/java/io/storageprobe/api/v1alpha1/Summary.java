package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Node counts of a probe. */
public record Summary(
        @JsonPropertyDescription("Nodes the agent DaemonSet should run on (nodeSelector and tolerations applied).")
        int nodesTargeted,

        @JsonPropertyDescription("Targeted nodes that wrote a result.")
        int nodesReported,

        @JsonPropertyDescription("Reported nodes whose verdict is Compatible.")
        int compatible,

        @JsonPropertyDescription("Reported nodes whose verdict is Affected.")
        int affected,

        @JsonPropertyDescription("Reported nodes whose verdict is Unsupported.")
        int unsupported,

        @JsonPropertyDescription("Reported nodes whose verdict is Error.")
        int error,

        @JsonPropertyDescription(
                "Reported nodes that are not Affected but have latent findings: a rule fails that cannot break the QEMU in force.")
        int latent) {}
