package io.storageprobe.operator.status;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import java.util.List;

/**
 * How far the agent DaemonSet has rolled out, as its controller reports it.
 *
 * @param exists    whether the DaemonSet exists at all
 * @param observed  whether the controller has seen the DaemonSet's current generation
 * @param desired   pods the controller wants (desiredNumberScheduled)
 * @param scheduled nodes that have an agent pod at all (currentNumberScheduled)
 * @param updated   pods running the current template (updatedNumberScheduled)
 * @param available pods available (numberAvailable)
 * @param refusal   why the API server refused the controller's last pod (its FailedCreate Event),
 *                  or null; only looked up while pods are missing
 * @param stuck     agent pods that exist but whose container kubelet cannot start (image pull, crash loop)
 */
public record RolloutState(
        boolean exists,
        boolean observed,
        int desired,
        int scheduled,
        int updated,
        int available,
        String refusal,
        List<StuckAgentPod> stuck) {
    public static final RolloutState ABSENT = new RolloutState(false, false, 0, 0, 0, 0, null);

    public RolloutState {
        stuck = stuck == null ? List.of() : List.copyOf(stuck);
    }

    /** No stuck pods known. */
    public RolloutState(
            boolean exists, boolean observed, int desired, int scheduled, int updated, int available, String refusal) {
        this(exists, observed, desired, scheduled, updated, available, refusal, List.of());
    }

    public static RolloutState of(DaemonSet ds) {
        if (ds == null) {
            return ABSENT;
        }
        DaemonSetStatus s = ds.getStatus();
        if (s == null) {
            return new RolloutState(true, false, 0, 0, 0, 0, null);
        }
        long generation =
                ds.getMetadata().getGeneration() == null ? 0 : ds.getMetadata().getGeneration();
        boolean observed = s.getObservedGeneration() != null && s.getObservedGeneration() >= generation;
        return new RolloutState(
                true,
                observed,
                n(s.getDesiredNumberScheduled()),
                n(s.getCurrentNumberScheduled()),
                n(s.getUpdatedNumberScheduled()),
                n(s.getNumberAvailable()),
                null);
    }

    public RolloutState withRefusal(String message) {
        return new RolloutState(exists, observed, desired, scheduled, updated, available, message, stuck);
    }

    public RolloutState withStuck(List<StuckAgentPod> pods) {
        return new RolloutState(exists, observed, desired, scheduled, updated, available, refusal, pods);
    }

    public boolean complete() {
        return exists && observed && updated >= desired && available >= desired;
    }

    /**
     * Whether nodes may lack an agent pod: the controller could not create them (Pod Security
     * admission, a ResourceQuota, a LimitRange) or has not yet. Fewer nodes have a pod than want
     * one, or the controller has not reported on this generation: Kubernetes 1.20's controller,
     * for one, writes no status at all when a pod creation failed. A Pending pod is not missing.
     */
    public boolean podsMaybeMissing() {
        return exists && (!observed || scheduled < desired);
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
