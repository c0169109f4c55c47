package io.storageprobe.operator;

import java.time.Duration;
import java.util.Map;

/**
 * What the deployment tells the operator (operator/README.md lists the variables).
 *
 * @param namespace           where the agent DaemonSets go (STORAGEPROBE_NAMESPACE)
 * @param agentImage          agent image used when spec.agent.image is empty (STORAGEPROBE_AGENT_IMAGE)
 * @param agentServiceAccount service account of the agent pods (STORAGEPROBE_AGENT_SERVICE_ACCOUNT)
 * @param eventNamespace      where Events about nodes are recorded: cluster-scoped objects' events live in "default"
 * @param httpPort            port of /metrics, /healthz and /readyz
 * @param kubevirtPollPeriod  how often the installed KubeVirt's release is read (STORAGEPROBE_KUBEVIRT_POLL_SECONDS)
 * @param checkWriters        count a result only when its node's agent Pod wrote it (docs/design.md, "Who may speak
 *                            for a node"). Always on in a deployed operator: there is no variable for it. Off only
 *                            where agents run without Pods (tests on the mock server, or on a control plane whose
 *                            test plays the agents without minting their Pods' tokens).
 */
public record OperatorSettings(String namespace, String agentImage, String agentServiceAccount,
                               String eventNamespace, int httpPort, Duration kubevirtPollPeriod,
                               boolean checkWriters) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** A KubeVirt upgrade takes many minutes to roll out; a minute more to notice it costs nothing. */
    public static final Duration DEFAULT_KUBEVIRT_POLL = Duration.ofSeconds(60);

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        return new OperatorSettings(
                env.getOrDefault("STORAGEPROBE_NAMESPACE", "storageprobe-system"),
                env.getOrDefault("STORAGEPROBE_AGENT_IMAGE", "storageprobe:latest"),
                env.getOrDefault("STORAGEPROBE_AGENT_SERVICE_ACCOUNT", "storageprobe-agent"),
                "default",
                DEFAULT_HTTP_PORT,
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("STORAGEPROBE_KUBEVIRT_POLL_SECONDS",
                        String.valueOf(DEFAULT_KUBEVIRT_POLL.toSeconds())))),
                true);
    }
}
