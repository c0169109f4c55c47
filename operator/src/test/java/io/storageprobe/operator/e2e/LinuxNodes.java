package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.Map;

/**
 * Test nodes as kubelet registers them: every real node carries kubernetes.io/os and
 * kubernetes.io/arch, and the agent DaemonSet runs only on Linux nodes of the image's architecture.
 */
public final class LinuxNodes {
    public static final Map<String, String> LABELS = Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64");

    private LinuxNodes() {}

    /** A Linux amd64 node of this name, metadata still open for more labels. */
    public static NodeBuilder named(String name) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(new java.util.HashMap<>(LABELS))
                .endMetadata();
    }
}
