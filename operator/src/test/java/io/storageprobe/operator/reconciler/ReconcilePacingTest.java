package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconciler's branches: when it comes back unasked. */
class ReconcilePacingTest {

    @Test
    void missingAgentPodsAreRecheckedSoonerThanTheResync() {
        assertThat(ReconcilePacing.requeueAfter(true)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReconcilePacing.requeueAfter(false)).isEqualTo(Duration.ofMinutes(10));
    }
}
