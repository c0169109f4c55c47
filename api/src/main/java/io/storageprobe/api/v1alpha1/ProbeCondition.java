package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A condition in the Kubernetes convention; lastTransitionTime changes only when status does. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeCondition(
        @JsonPropertyDescription("Ready, Conformant or QemuResolved.")
        String type,

        @JsonPropertyDescription("True, False or Unknown.") String status,

        @JsonPropertyDescription("A CamelCase word saying why, e.g. InvalidSpec, AwaitingResults, NodesAffected.")
        String reason,

        @JsonPropertyDescription("A sentence for humans.") String message,

        @JsonPropertyDescription("When status last changed (RFC 3339).")
        String lastTransitionTime,

        @JsonPropertyDescription("The metadata.generation this condition was computed for.")
        Long observedGeneration) {

    public static final String READY = "Ready";
    public static final String CONFORMANT = "Conformant";
    public static final String QEMU_RESOLVED = "QemuResolved";
}
