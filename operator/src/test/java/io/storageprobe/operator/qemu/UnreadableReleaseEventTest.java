package io.storageprobe.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.v1alpha1.ProbeCondition;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadableReleaseEventTest {
    private static ProbeCondition qemu(String status, String reason, String message) {
        return new ProbeCondition(ResolvedQemu.CONDITION, status, reason, message, "2026-12-04T10:00:00Z", 1L);
    }

    private static final ProbeCondition LATEST =
            qemu("False", ResolvedQemu.UNREADABLE, "KubeVirt kubevirt/kubevirt reports release 'latest' ...");

    @Test
    void anUnreadableReleaseIsNewsOnceUntilItNamesAnotherRelease() {
        ProbeCondition fine = qemu("True", "KubeVirtRelease", "KubeVirt v1.8.1 ships QEMU 10.1");
        assertThat(UnreadableReleaseEvent.isNew(List.of(fine), List.of(LATEST))).isTrue();
        assertThat(UnreadableReleaseEvent.isNew(null, List.of(LATEST))).isTrue();
        // The stored status already says it (a later reconcile, or a restarted operator): no Event.
        assertThat(UnreadableReleaseEvent.isNew(List.of(LATEST), List.of(LATEST)))
                .isFalse();
        ProbeCondition digest =
                qemu("False", ResolvedQemu.UNREADABLE, "KubeVirt kubevirt/kubevirt reports release 'sha256:...' ...");
        assertThat(UnreadableReleaseEvent.isNew(List.of(LATEST), List.of(digest)))
                .isTrue();
    }

    @Test
    void otherTroubleIsNoEvent() {
        ProbeCondition failed = qemu("False", "KubeVirtLookupFailed", "not allowed to list kubevirts.kubevirt.io ...");
        assertThat(UnreadableReleaseEvent.isNew(null, List.of(failed))).isFalse();
        assertThat(UnreadableReleaseEvent.isNew(List.of(LATEST), List.of(failed)))
                .isFalse();
    }
}
