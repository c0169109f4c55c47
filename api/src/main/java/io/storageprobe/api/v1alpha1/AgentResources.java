package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * Requests and limits of the agent container. Our own type rather than Kubernetes'
 * ResourceRequirements: that one brings fields the agent has no use for (claims) and no
 * descriptions for {@code kubectl explain}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentResources(
        @JsonPropertyDescription("Resources the scheduler reserves for the agent, e.g. {cpu: 10m, memory: 96Mi}.")
        Map<String, Quantity> requests,

        @JsonPropertyDescription(
                "Most the agent may use, e.g. {memory: 128Mi}; above the memory limit the kernel kills it.")
        Map<String, Quantity> limits) {}
