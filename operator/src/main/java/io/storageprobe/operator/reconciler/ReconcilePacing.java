package io.storageprobe.operator.reconciler;

import java.time.Duration;

/**
 * How much a reconcile does and when the next one comes without an event. Pure, so that each
 * branch is tested on its own (ReconcilePacingTest) rather than only through a running operator.
 */
final class ReconcilePacing {
    /**
     * Node patches still queued: come back soon, to throw a failed patch (JOSDK retries with
     * backoff) and to plan the nodes this reconcile skipped while their patches ran. Our own
     * patches wake no reconcile ({@code OwnNodeWrites}), so without this none might come.
     */
    static final Duration PATCHES_QUEUED = Duration.ofSeconds(5);
    /**
     * Agent pods maybe missing: the controller's FailedCreate Event is recorded after the status
     * change that woke us, and its retries change no status at all, so no event would come.
     */
    static final Duration MISSING_PODS_RECHECK = Duration.ofSeconds(10);
    /** Results arrive by events; this periodic pass only heals what an event could have missed. */
    static final Duration RESYNC = Duration.ofMinutes(10);

    private ReconcilePacing() {}

    /**
     * @param patchesQueued    whether node patches of the probe are queued or running ({@link NodePatchQueue#busy})
     * @param podsMaybeMissing whether nodes may lack an agent pod ({@code RolloutState.podsMaybeMissing})
     */
    static Duration requeueAfter(boolean patchesQueued, boolean podsMaybeMissing) {
        if (patchesQueued) {
            return PATCHES_QUEUED;
        }
        return podsMaybeMissing ? MISSING_PODS_RECHECK : RESYNC;
    }
}
