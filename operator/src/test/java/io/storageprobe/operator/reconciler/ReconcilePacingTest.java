package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconciler's branches: when it comes back unasked. */
class ReconcilePacingTest {

    @Test
    void queuedNodePatchesComeBackFirst() {
        assertThat(ReconcilePacing.requeueAfter(true, false)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ReconcilePacing.requeueAfter(true, true))
                .as("queued patches win over missing pods")
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void missingAgentPodsAreRecheckedSoonerThanTheResync() {
        assertThat(ReconcilePacing.requeueAfter(false, true)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReconcilePacing.requeueAfter(false, false)).isEqualTo(Duration.ofMinutes(10));
    }
}
