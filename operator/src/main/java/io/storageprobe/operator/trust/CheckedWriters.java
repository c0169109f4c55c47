package io.storageprobe.operator.trust;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer check of each result, made once per version of it: a reconcile sees every result
 * again, and checking each again would cost two requests per node per reconcile. A verdict is
 * kept per result name for its resourceVersion and the DaemonSet it was checked against (a new
 * DaemonSet means new Pods); a new version, or an operator restart, checks again.
 *
 * A verdict stays once made: a trusted result stays trusted when its Pod later goes (an agent
 * rolled out, or a node drained) until the result is written again, by the next Pod.
 *
 * The last trusted version of each result is remembered too: a forged version written over a
 * genuine one must not take the node's verdict (and its taint) away, only be refused. An
 * operator restart forgets it; the node's agent writes a trusted version again within the
 * interval, or at its next token (within the hour).
 */
public final class CheckedWriters {
    /** A bound, not a policy: past it the cache starts over and each result is checked once more. */
    private static final int REMEMBERED = 20_000;

    private record Verdict(String resourceVersion, String daemonSetUid, Optional<String> refusal) {}

    private final WriterCheck check;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private final Map<String, NodeResult> lastTrusted = new ConcurrentHashMap<>();

    public CheckedWriters(KubernetesClient client, String namespace, String agentServiceAccount) {
        this.check = new WriterCheck(client, namespace, agentServiceAccount);
    }

    /** @return why {@code result} is not counted, or empty when the agent Pod on its node wrote it */
    public Optional<String> refusal(StorageProbeResult result, DaemonSet agents) {
        String name = result.getMetadata().getName();
        String version = result.getMetadata().getResourceVersion();
        String daemonSetUid = agents == null ? null : agents.getMetadata().getUid();
        Verdict known = verdicts.get(name);
        if (known != null
                && known.resourceVersion().equals(version)
                && java.util.Objects.equals(known.daemonSetUid(), daemonSetUid)) {
            return known.refusal();
        }
        Optional<String> refusal = check.refusal(result, agents);
        if (verdicts.size() > REMEMBERED) {
            verdicts.clear();
            lastTrusted.clear();
        }
        verdicts.put(name, new Verdict(version, daemonSetUid, refusal));
        if (refusal.isEmpty()) {
            lastTrusted.put(name, result.getSpec());
        }
        return refusal;
    }

    /** The last version of result {@code name} that passed the check, while this operator has run. */
    public Optional<NodeResult> lastTrusted(String name) {
        return Optional.ofNullable(lastTrusted.get(name));
    }
}
