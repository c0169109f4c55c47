package io.storageprobe.operator.reconciler;

import java.time.Duration;

/**
 * How much a reconcile does and when the next one comes without an event. Pure, so that each
 * branch is tested on its own (ReconcilePacingTest) rather than only through a running operator.
 */
final class ReconcilePacing {
    /**
     * Node patches per reconcile (see NodeLabelStep.apply). A reconcile holds back the next status
     * for as long as its patches take, so the budget bounds that delay (bench/fleet-real measures it).
     */
    static final int NODE_PATCHES_PER_RECONCILE = 200;
    /** Node patches in a reconcile whose status changed: some, so that a busy cluster labels too. */
    static final int NODE_PATCHES_BEFORE_NEW_STATUS = 32;
    /** Nodes left unlabelled by the budget: come back soon even if no event arrives. */
    static final Duration NODES_LEFT = Duration.ofSeconds(1);
    /**
     * Agent pods maybe missing: the controller's FailedCreate Event is recorded after the status
     * change that woke us, and its retries change no status at all, so no event would come.
     */
    static final Duration MISSING_PODS_RECHECK = Duration.ofSeconds(10);
    /** Results arrive by events; this periodic pass only heals what an event could have missed. */
    static final Duration RESYNC = Duration.ofMinutes(10);

    private ReconcilePacing() {}

    /**
     * The status is written when the reconcile returns: while it is news, only a few node patches
     * go before it (on a fresh start thousands of nodes would hold it back by minutes).
     */
    static int nodePatchBudget(boolean statusChanged) {
        return statusChanged ? NODE_PATCHES_BEFORE_NEW_STATUS : NODE_PATCHES_PER_RECONCILE;
    }

    /**
     * @param nodesDone        whether every node is labelled as it should be (false: the budget ran out)
     * @param podsMaybeMissing whether nodes may lack an agent pod ({@code RolloutState.podsMaybeMissing})
     */
    static Duration requeueAfter(boolean nodesDone, boolean podsMaybeMissing) {
        if (!nodesDone) {
            return NODES_LEFT;
        }
        return podsMaybeMissing ? MISSING_PODS_RECHECK : RESYNC;
    }
}
