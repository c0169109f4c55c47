package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/**
 * What a kubelet would report for the agent pods the real DaemonSet controller created: no
 * kubelet runs on the test control plane (and a privileged pod could not run here), so the pods
 * stay Pending until this marks them Running and Ready. The DaemonSet controller then counts
 * them available itself.
 */
final class KubeletStandIn {
    private KubeletStandIn() {}

    static void reportReady(KubernetesClient admin, List<Pod> pods) {
        String now = Instant.now().toString();
        for (Pod pod : pods) {
            pod.setStatus(new PodStatusBuilder(pod.getStatus())
                    .withPhase("Running")
                    .withConditions(new PodConditionBuilder()
                            .withType("Ready")
                            .withStatus("True")
                            .withLastTransitionTime(now)
                            .build())
                    .build());
            admin.pods().resource(pod).updateStatus();
        }
    }
}
