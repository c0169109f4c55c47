package io.storageprobe.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.QemuInForce;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The keep-last-known logic, without a server: each step is a finding a poll could make. */
class KubeVirtQemuStateTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);
    private static final KubeVirtRelease V18 = KubeVirtRelease.of("v1.8.1", "kubevirt/kubevirt");
    private static final KubeVirtRelease FAILED =
            KubeVirtRelease.lookupFailed("cannot list kubevirts.kubevirt.io: 500 Internal Server Error");
    private static final KubeVirtRelease LATEST = KubeVirtRelease.of("latest", "kubevirt/kubevirt");

    @Test
    void aFailedLookupKeepsTheLastKnownQemuAndSaysSinceWhen() {
        KubeVirtQemuState known = KubeVirtQemuState.NOTHING_YET.after(V18, T0);
        assertThat(known.inForce())
                .isEqualTo(new QemuInForce(
                        "10.1", QemuInForce.KUBEVIRT, "KubeVirt v1.8.1 ships QEMU 10.1 (kubevirt#18142)"));
        KubeVirtQemuState failing = known.after(FAILED, T1);
        assertThat(failing.inForce().version()).isEqualTo("10.1");
        assertThat(failing.inForce().source()).isEqualTo(QemuInForce.KUBEVIRT);
        assertThat(failing.inForce().message())
                .isEqualTo("KubeVirt v1.8.1 ships QEMU 10.1 (kubevirt#18142) (kept: the KubeVirt lookup failed at "
                        + "2026-12-04T10:01:00Z: cannot list kubevirts.kubevirt.io: 500 Internal Server Error)");
        // Failing again: the same message, so the status is not rewritten at each poll.
        assertThat(failing.after(FAILED, T2).inForce()).isEqualTo(failing.inForce());
        // Recovered: the release read, no "kept" any more.
        assertThat(failing.after(V18, T2).inForce()).isEqualTo(known.inForce());
        assertThat(failing.after(V18, T2).current()).isTrue();
        assertThat(failing.current()).isFalse();
        assertThat(failing.troubleReason()).isEqualTo("KubeVirtLookupFailed");
    }

    @Test
    void anUnreadableReleaseKeepsTheLastKnownQemu() {
        KubeVirtQemuState unreadable =
                KubeVirtQemuState.NOTHING_YET.after(V18, T0).after(LATEST, T1);
        assertThat(unreadable.inForce().version()).isEqualTo("10.1");
        assertThat(unreadable.inForce().message())
                .endsWith("(kept: the KubeVirt release cannot be read at 2026-12-04T10:01:00Z: "
                        + "KubeVirt kubevirt/kubevirt reports release 'latest', which is not vX.Y.Z)");
        assertThat(unreadable.troubleReason()).isEqualTo(ResolvedQemu.UNREADABLE);
    }

    @Test
    void noKubeVirtReleaseFoundKeepsItToo() {
        KubeVirtQemuState gone = KubeVirtQemuState.NOTHING_YET
                .after(V18, T0)
                .after(KubeVirtRelease.none("no KubeVirt resource in the cluster"), T1);
        assertThat(gone.inForce().version()).isEqualTo("10.1");
        assertThat(gone.troubleReason()).isEqualTo("NoKubeVirtRelease");
    }

    @Test
    void everyRuleCountsOnlyWhereNoReleaseWasEverRead() {
        assertThat(KubeVirtQemuState.NOTHING_YET.after(LATEST, T0).inForce()).satisfies(q -> {
            assertThat(q.version()).isNull();
            assertThat(q.source()).isEqualTo(QemuInForce.NONE);
            assertThat(q.message())
                    .isEqualTo("KubeVirt kubevirt/kubevirt reports release 'latest', which is not vX.Y.Z: "
                            + "every rule counts; set spec.qemu to the QEMU its virt-launcher runs");
        });
        assertThat(KubeVirtQemuState.NOTHING_YET.after(FAILED, T0).inForce().version())
                .isNull();
    }

    @Test
    void aReadableOldReleaseReplacesTheKnownQemu() {
        // A downgrade is an answer, not trouble: every rule counts again.
        KubeVirtQemuState old = KubeVirtQemuState.NOTHING_YET
                .after(V18, T0)
                .after(KubeVirtRelease.of("v0.58.1", "kubevirt/kubevirt"), T1);
        assertThat(old.inForce().version()).isNull();
        assertThat(old.inForce().message()).contains("older than 7.2");
        assertThat(old.current()).isTrue();
    }

    @Test
    void troubleOfAnotherKindRestartsTheClock() {
        KubeVirtQemuState s =
                KubeVirtQemuState.NOTHING_YET.after(V18, T0).after(FAILED, T1).after(LATEST, T2);
        assertThat(s.troubleSince()).isEqualTo(T2);
        assertThat(KubeVirtQemuState.NOTHING_YET
                        .after(V18, T0)
                        .after(FAILED, T1)
                        .after(KubeVirtRelease.lookupFailed("cannot list kubevirts.kubevirt.io: timeout"), T2)
                        .troubleSince())
                .isEqualTo(T1);
    }

    @Test
    void afterARestartTheStatusSaysWhatWasKnown() {
        QemuInForce stored = new QemuInForce(
                "10.1",
                QemuInForce.KUBEVIRT,
                "KubeVirt v1.8.1 ships QEMU 10.1 (kubevirt#18142)"
                        + " (kept: the KubeVirt lookup failed at 2026-12-04T09:00:00Z: cannot list kubevirts.kubevirt.io: 500)");
        KubeVirtQemuState restarted =
                KubeVirtQemuState.NOTHING_YET.readBack(stored).after(FAILED, T1);
        assertThat(restarted.inForce().version()).isEqualTo("10.1");
        assertThat(restarted.inForce().message())
                .startsWith(
                        "KubeVirt v1.8.1 ships QEMU 10.1 (kubevirt#18142) (kept: the KubeVirt lookup failed at 2026-12-04T10:01:00Z")
                .containsOnlyOnce("(kept: ");
        // spec.qemu's version says nothing about KubeVirt; nor does an unknown one.
        assertThat(KubeVirtQemuState.NOTHING_YET
                        .readBack(new QemuInForce("7.2", QemuInForce.SPEC, "spec.qemu"))
                        .known())
                .isNull();
        assertThat(KubeVirtQemuState.NOTHING_YET
                        .readBack(QemuInForce.unknown("no KubeVirt"))
                        .known())
                .isNull();
        // What this process learnt wins over any status.
        KubeVirtQemuState learnt =
                KubeVirtQemuState.NOTHING_YET.after(KubeVirtRelease.of("v1.5.0", "kubevirt/kubevirt"), T0);
        assertThat(learnt.readBack(stored).known().version()).isEqualTo("9.1.0");
    }
}
