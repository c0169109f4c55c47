package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.storageprobe.operator.status.StuckAgentPod;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which agent pods kubelet cannot start, read from the pod informer's cache (never a LIST per
 * reconcile). Only waiting reasons that do not clear by themselves count: ContainerCreating and
 * PodInitializing are a normal start, and a pod that is merely Pending is the scheduler's business.
 */
final class AgentPodStates {
    /** kubelet's (pkg/kubelet/images, kuberuntime) waiting reasons of a container that will not start unaided. */
    static final Set<String> STUCK_REASONS = Set.of(
            "ImagePullBackOff",
            "ErrImagePull",
            "ErrImageNeverPull",
            "InvalidImageName",
            "CrashLoopBackOff",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");
    /** The longest kubelet message kept per pod: a condition message is for a sentence. */
    private static final int MAX_MESSAGE = 200;

    private AgentPodStates() {}

    /** The stuck pods among these, sorted by node. */
    static List<StuckAgentPod> stuck(Stream<Pod> pods) {
        return pods.map(AgentPodStates::stuck)
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(StuckAgentPod::node))
                .toList();
    }

    static Optional<StuckAgentPod> stuck(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        String node = pod.getSpec() != null && pod.getSpec().getNodeName() != null
                ? pod.getSpec().getNodeName()
                : pod.getMetadata().getName();
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getState)
                .filter(s -> s != null
                        && s.getWaiting() != null
                        && STUCK_REASONS.contains(s.getWaiting().getReason()))
                .map(s -> new StuckAgentPod(
                        node, s.getWaiting().getReason(), shorten(s.getWaiting().getMessage())))
                .findFirst();
    }

    /** Whether an update changed what {@link #stuck(Pod)} says: other pod updates wake no reconcile. */
    static boolean stuckChanged(Pod now, Pod before) {
        return !Objects.equals(stuck(now), stuck(before));
    }

    private static String shorten(String message) {
        String m = message == null ? "" : message.strip();
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
    }
}
