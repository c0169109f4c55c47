package io.storageprobe.operator.reconciler;

import java.time.Duration;

/**
 * How much a reconcile does and when the next one comes without an event. Pure, so that each
 * branch is tested on its own (ReconcilePacingTest) rather than only through a running operator.
 */
final class ReconcilePacing {
    /**
     * Agent pods maybe missing: the controller's FailedCreate Event is recorded after the status
     * change that woke us, and its retries change no status at all, so no event would come.
     */
    static final Duration MISSING_PODS_RECHECK = Duration.ofSeconds(10);
    /** Results arrive by events; this periodic pass only heals what an event could have missed. */
    static final Duration RESYNC = Duration.ofMinutes(10);

    private ReconcilePacing() {}

    /**
     * Queued node patches need no requeue: the queue wakes the probe when they are done
     * ({@link NodePatchQueue}), to throw a failed one and plan what changed meanwhile.
     *
     * @param podsMaybeMissing whether nodes may lack an agent pod ({@code RolloutState.podsMaybeMissing})
     */
    static Duration requeueAfter(boolean podsMaybeMissing) {
        return podsMaybeMissing ? MISSING_PODS_RECHECK : RESYNC;
    }
}
