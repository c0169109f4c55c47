package io.storageprobe.operator;

import java.util.Map;

/**
 * What the deployment tells the operator (operator/README.md lists the variables).
 *
 * @param namespace           where the agent DaemonSets go (STORAGEPROBE_NAMESPACE)
 * @param agentImage          agent image used when spec.agent.image is empty (STORAGEPROBE_AGENT_IMAGE)
 * @param agentServiceAccount service account of the agent pods (STORAGEPROBE_AGENT_SERVICE_ACCOUNT)
 * @param eventNamespace      where Events about nodes are recorded: cluster-scoped objects' events live in "default"
 * @param httpPort            port of /metrics, /healthz and /readyz
 */
public record OperatorSettings(String namespace, String agentImage, String agentServiceAccount,
                               String eventNamespace, int httpPort) {
    public static final int DEFAULT_HTTP_PORT = 8080;

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        return new OperatorSettings(
                env.getOrDefault("STORAGEPROBE_NAMESPACE", "storageprobe-system"),
                env.getOrDefault("STORAGEPROBE_AGENT_IMAGE", "storageprobe:latest"),
                env.getOrDefault("STORAGEPROBE_AGENT_SERVICE_ACCOUNT", "storageprobe-agent"),
                "default",
                DEFAULT_HTTP_PORT);
    }
}
