package io.storageprobe.operator.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * @param agentImagePullSecrets Secrets (in {@code namespace}) the agent pods pull their image with
 *                            (STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS, comma-separated)
 * @param agentArchitectures  the CPU architectures (kubernetes.io/arch) the agent image exists for; agents run
 *                            only there. Empty: every architecture (STORAGEPROBE_AGENT_ARCHITECTURES, comma-separated)
 * @param agentPodAnnotations annotations on the agent pods, e.g. OpenShift's openshift.io/required-scc
 *                            (STORAGEPROBE_AGENT_POD_ANNOTATIONS, a JSON object of strings)
 * @param checkWriters        count a result only when its node's agent Pod wrote it (docs/design.md, "Who may speak
 *                            for a node"). Always on in a deployed operator: there is no variable for it. Off only
 *                            where agents run without Pods (tests on the mock server, or on a control plane whose
 *                            test plays the agents without minting their Pods' tokens).
 */
public record OperatorSettings(
        String namespace,
        String agentImage,
        String agentServiceAccount,
        String eventNamespace,
        int httpPort,
        Duration kubevirtPollPeriod,
        List<String> agentImagePullSecrets,
        List<String> agentArchitectures,
        Map<String, String> agentPodAnnotations,
        boolean checkWriters) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** A KubeVirt upgrade takes many minutes to roll out; a minute more to notice it costs nothing. */
    public static final Duration DEFAULT_KUBEVIRT_POLL = Duration.ofSeconds(60);
    /** What the image build (Dockerfile) produces: keep the two in step. */
    public static final List<String> DEFAULT_AGENT_ARCHITECTURES = List.of("amd64");

    public OperatorSettings {
        agentImagePullSecrets = List.copyOf(agentImagePullSecrets);
        agentArchitectures = List.copyOf(agentArchitectures);
        agentPodAnnotations = Map.copyOf(agentPodAnnotations);
    }

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        return new OperatorSettings(
                env.getOrDefault("STORAGEPROBE_NAMESPACE", "storageprobe-system"),
                env.getOrDefault("STORAGEPROBE_AGENT_IMAGE", "storageprobe:latest"),
                env.getOrDefault("STORAGEPROBE_AGENT_SERVICE_ACCOUNT", "storageprobe-agent"),
                "default",
                DEFAULT_HTTP_PORT,
                Duration.ofSeconds(Long.parseLong(env.getOrDefault(
                        "STORAGEPROBE_KUBEVIRT_POLL_SECONDS", String.valueOf(DEFAULT_KUBEVIRT_POLL.toSeconds())))),
                names(env.getOrDefault("STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS", "")),
                env.containsKey("STORAGEPROBE_AGENT_ARCHITECTURES")
                        ? names(env.get("STORAGEPROBE_AGENT_ARCHITECTURES"))
                        : DEFAULT_AGENT_ARCHITECTURES,
                annotations(env.getOrDefault("STORAGEPROBE_AGENT_POD_ANNOTATIONS", "")),
                true);
    }

    /** A JSON object of strings; a malformed one stops the operator with the variable named. */
    private static Map<String, String> annotations(String json) {
        if (json.isBlank()) {
            return Map.of();
        }
        try {
            return new ObjectMapper().readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "STORAGEPROBE_AGENT_POD_ANNOTATIONS is not a JSON object of strings: " + e.getOriginalMessage());
        }
    }

    private static List<String> names(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
