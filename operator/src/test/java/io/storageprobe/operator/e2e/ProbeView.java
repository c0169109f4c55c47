package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import java.util.Map;
import java.util.Optional;

/** What the end-to-end tests read back from an API server, mock or real: the agent DaemonSet, a probe's status, a node's labels. */
record ProbeView(KubernetesClient client, String namespace) {
    DaemonSet daemonSet(String probe) {
        return client.apps()
                .daemonSets()
                .inNamespace(namespace)
                .withName("storageprobe-agent-" + probe)
                .get();
    }

    StorageProbeStatus status(String name) {
        StorageProbe p = client.resources(StorageProbe.class).withName(name).get();
        return p == null ? null : p.getStatus();
    }

    Optional<ProbeCondition> condition(String probe, String type) {
        return condition(status(probe), type);
    }

    Optional<ProbeCondition> condition(StorageProbeStatus status, String type) {
        if (status == null || status.conditions() == null) {
            return Optional.empty();
        }
        return status.conditions().stream().filter(c -> c.type().equals(type)).findFirst();
    }

    Map<String, String> labels(String node) {
        Node n = client.nodes().withName(node).get();
        return n == null || n.getMetadata().getLabels() == null
                ? Map.of()
                : n.getMetadata().getLabels();
    }
}
