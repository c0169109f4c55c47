package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The mock API server runs no kube-controller-manager, so nothing would ever report the agent
 * DaemonSet as rolled out. The tests play that controller: they start one agent per node and
 * then write the status the real DaemonSet controller would write.
 */
final class DaemonSetControllerStandIn {
    private DaemonSetControllerStandIn() {}

    static void reportRolledOut(KubernetesClient client, String namespace, String name, int pods) {
        client.apps().daemonSets().inNamespace(namespace).withName(name).editStatus(ds -> {
            long generation = ds.getMetadata().getGeneration() == null
                    ? 0
                    : ds.getMetadata().getGeneration();
            ds.setStatus(new DaemonSetStatusBuilder()
                    .withObservedGeneration(generation)
                    .withDesiredNumberScheduled(pods)
                    .withCurrentNumberScheduled(pods)
                    .withUpdatedNumberScheduled(pods)
                    .withNumberReady(pods)
                    .withNumberAvailable(pods)
                    .withNumberMisscheduled(0)
                    .build());
            return ds;
        });
    }
}
