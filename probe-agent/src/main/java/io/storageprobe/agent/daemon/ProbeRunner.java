package io.storageprobe.agent.daemon;

import io.storageprobe.api.result.NodeResult;

/** One probe run of this node. The daemon does not care how the facts are obtained. */
@FunctionalInterface
public interface ProbeRunner {
    NodeResult run(String probe, String node, ProbeSettings settings);
}
