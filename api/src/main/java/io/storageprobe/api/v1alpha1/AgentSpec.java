package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How the agent pods of a probe run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.kubeletRoot) || (!self.kubeletRoot.contains('/../') && !self.kubeletRoot.endsWith('/..'))",
        fieldPath = ".kubeletRoot",
        message = "spec.agent.kubeletRoot must not contain '..' segments")
public record AgentSpec(
        @JsonPropertyDescription("Container image of the agent. Default: the image the operator was installed with.")
        @Pattern("^[^\\s]{1,512}$")
        String image,

        @JsonPropertyDescription("CPU and memory requests and limits of the agent container.")
        AgentResources resources,

        @JsonPropertyDescription(
                "PriorityClass of the agent pods, e.g. system-node-critical (virt-handler runs as kubevirt-cluster-critical). Default: none.")
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        String priorityClassName,

        @JsonPropertyDescription("kubelet's root directory on the nodes (kubelet's --root-dir), an absolute path: "
                + "/var/snap/microk8s/common/var/lib/kubelet on microk8s, /var/lib/k0s/kubelet on k0s. "
                + "The agent pod always mounts it read-only (mount propagation HostToContainer) to find the volumes "
                + "kubelet attached and to recognise the disks that back PersistentVolumes. A node without it "
                + "(kubelet then creates it empty) keeps its agent and disk probes; the agent reports the missing directory. "
                + "Default: " + AgentSpec.DEFAULT_KUBELET_ROOT + ".")
        @Default(AgentSpec.DEFAULT_KUBELET_ROOT)
        @Size(max = 1024)
        @Pattern("^(/[^/\\s]+)+$")
        String kubeletRoot) {

    /** kubelet's --root-dir default, used when spec.agent.kubeletRoot is absent. */
    public static final String DEFAULT_KUBELET_ROOT = "/var/lib/kubelet";

    /** Without a kubelet root (the default applies). */
    public AgentSpec(String image, AgentResources resources, String priorityClassName) {
        this(image, resources, priorityClassName, null);
    }

    /** spec.agent.kubeletRoot, or its default. */
    public static String kubeletRootOf(AgentSpec agent) {
        return agent == null
                        || agent.kubeletRoot() == null
                        || agent.kubeletRoot().isEmpty()
                ? DEFAULT_KUBELET_ROOT
                : agent.kubeletRoot();
    }
}
