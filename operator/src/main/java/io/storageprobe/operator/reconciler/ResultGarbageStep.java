package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes results no node will ever update again, so they do not pile up. */
final class ResultGarbageStep {
    private static final Logger LOG = LoggerFactory.getLogger(ResultGarbageStep.class);
    private final KubernetesClient client;

    ResultGarbageStep(KubernetesClient client) {
        this.client = client;
    }

    void deleteResultsOfVanishedNodes(Snapshot snapshot) {
        for (StorageProbeResult r : snapshot.results()) {
            String node = r.getSpec() == null ? null : r.getSpec().node();
            if (node == null || !snapshot.nodes().containsKey(node)) {
                LOG.info(
                        "deleting result {}: node {} no longer exists",
                        r.getMetadata().getName(),
                        node);
                client.resources(StorageProbeResult.class).resource(r).delete();
            }
        }
    }

    void deleteAll(Snapshot snapshot) {
        snapshot.results()
                .forEach(r ->
                        client.resources(StorageProbeResult.class).resource(r).delete());
    }
}
