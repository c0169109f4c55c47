package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbeResult;

/**
 * The mock API server has no garbage collector. Where a test relies on it, this deletes what the
 * collector would: results whose owner (by uid) has been deleted.
 */
final class GarbageCollectorStandIn {
    private GarbageCollectorStandIn() {}

    static void deleteDependentsOf(KubernetesClient client, String ownerUid) {
        client.resources(StorageProbeResult.class).list().getItems().stream()
                .filter(r -> r.getMetadata().getOwnerReferences().stream().anyMatch(o -> ownerUid.equals(o.getUid())))
                .forEach(r ->
                        client.resources(StorageProbeResult.class).resource(r).delete());
    }
}
