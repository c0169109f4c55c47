package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Creates the agent DaemonSet, replaces it when the desired one changed, or removes it. */
final class DaemonSetStep {
    private final KubernetesClient client;

    DaemonSetStep(KubernetesClient client) {
        this.client = client;
    }

    void apply(DaemonSet desired, DaemonSet actual) {
        if (actual == null) {
            client.apps().daemonSets().resource(desired).create();
            return;
        }
        if (Objects.equals(hash(desired), hash(actual))) {
            return;
        }
        // Keep the server's metadata (resourceVersion, uid, other annotations) and swap in our spec.
        actual.getMetadata().setLabels(desired.getMetadata().getLabels());
        actual.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
        actual.getMetadata()
                .setAnnotations(merge(
                        actual.getMetadata().getAnnotations(),
                        desired.getMetadata().getAnnotations()));
        actual.setSpec(desired.getSpec());
        client.apps().daemonSets().resource(actual).update();
    }

    void remove(DaemonSet actual) {
        if (actual != null) {
            client.apps().daemonSets().resource(actual).delete();
        }
    }

    private static String hash(DaemonSet ds) {
        Map<String, String> a = ds.getMetadata().getAnnotations();
        return a == null ? null : a.get(AgentDaemonSet.SPEC_HASH_ANNOTATION);
    }

    private static Map<String, String> merge(Map<String, String> actual, Map<String, String> desired) {
        Map<String, String> merged = new HashMap<>(actual == null ? Map.of() : actual);
        merged.putAll(desired);
        return merged;
    }
}
