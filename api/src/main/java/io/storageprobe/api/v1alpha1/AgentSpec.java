package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** How the agent pods of a probe run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentSpec(
        @JsonPropertyDescription("Container image of the agent. Default: the image the operator was installed with.")
        @Pattern("^[^\\s]{1,512}$")
        String image,

        @JsonPropertyDescription("CPU and memory requests and limits of the agent container.")
        AgentResources resources,

        @JsonPropertyDescription("PriorityClass of the agent pods, e.g. system-node-critical.")
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        String priorityClassName) {
}
