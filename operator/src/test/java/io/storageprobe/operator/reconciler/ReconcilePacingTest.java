package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconciler's branches: how many node patches go before a status, and when it comes back unasked. */
class ReconcilePacingTest {

    @Test
    void aNewStatusWaitsForFewNodePatchesAnUnchangedOneForMore() {
        assertThat(ReconcilePacing.nodePatchBudget(true)).isEqualTo(ReconcilePacing.NODE_PATCHES_BEFORE_NEW_STATUS);
        assertThat(ReconcilePacing.nodePatchBudget(false)).isEqualTo(ReconcilePacing.NODE_PATCHES_PER_RECONCILE);
        assertThat(ReconcilePacing.nodePatchBudget(true)).isLessThan(ReconcilePacing.nodePatchBudget(false));
    }

    @Test
    void nodesLeftByTheBudgetComeBackFirst() {
        assertThat(ReconcilePacing.requeueAfter(false, false)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReconcilePacing.requeueAfter(false, true))
                .as("nodes left win over missing pods")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void missingAgentPodsAreRecheckedSoonerThanTheResync() {
        assertThat(ReconcilePacing.requeueAfter(true, true)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReconcilePacing.requeueAfter(true, false)).isEqualTo(Duration.ofMinutes(10));
    }
}
