package io.storageprobe.operator.status;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;

/**
 * How far the agent DaemonSet has rolled out, as its controller reports it.
 *
 * @param exists    whether the DaemonSet exists at all
 * @param observed  whether the controller has seen the DaemonSet's current generation
 * @param desired   pods the controller wants (desiredNumberScheduled)
 * @param updated   pods running the current template (updatedNumberScheduled)
 * @param available pods available (numberAvailable)
 */
public record RolloutState(boolean exists, boolean observed, int desired, int updated, int available) {
    public static final RolloutState ABSENT = new RolloutState(false, false, 0, 0, 0);

    public static RolloutState of(DaemonSet ds) {
        if (ds == null) {
            return ABSENT;
        }
        DaemonSetStatus s = ds.getStatus();
        if (s == null) {
            return new RolloutState(true, false, 0, 0, 0);
        }
        long generation = ds.getMetadata().getGeneration() == null ? 0 : ds.getMetadata().getGeneration();
        boolean observed = s.getObservedGeneration() != null && s.getObservedGeneration() >= generation;
        return new RolloutState(true, observed, n(s.getDesiredNumberScheduled()), n(s.getUpdatedNumberScheduled()),
                n(s.getNumberAvailable()));
    }

    public boolean complete() {
        return exists && observed && updated >= desired && available >= desired;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
