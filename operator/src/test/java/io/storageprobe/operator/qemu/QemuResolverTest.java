package io.storageprobe.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QemuResolverTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final StorageProbeSpec AUTO = new StorageProbeSpec(null, null, null, null, null, null, null, null);

    @Test
    void anExplicitSpecWinsOverKubeVirt() {
        StorageProbeSpec spec = new StorageProbeSpec(null, null, null, null, null, null, null, "7.2.0");
        ResolvedQemu r = new QemuResolver().resolve(spec, KubeVirtRelease.of("v0.50.0", "kubevirt/kubevirt"), null, T0);
        assertThat(r.inForce()).isEqualTo(new QemuInForce("7.2", QemuInForce.SPEC, "spec.qemu"));
        assertThat(r.current()).isTrue();
        assertThat(r.reason()).isEqualTo("SpecQemu");
    }

    @Test
    void withoutKubeVirtEveryRuleCountsAndTheConditionNamesSpecQemu() {
        ResolvedQemu r =
                new QemuResolver().resolve(AUTO, KubeVirtRelease.none("no KubeVirt resource in the cluster"), null, T0);
        assertThat(r.inForce().message()).isEqualTo("no KubeVirt resource in the cluster: every rule counts");
        assertThat(r.current()).isFalse();
        assertThat(r.reason()).isEqualTo("NoKubeVirtRelease");
        assertThat(r.message()).contains("every rule counts").contains("set spec.qemu");
    }

    @Test
    void oneResolverRemembersAcrossProbesAndReconciles() {
        QemuResolver resolver = new QemuResolver();
        assertThat(resolver.resolve(AUTO, KubeVirtRelease.of("v1.4.1", "kubevirt/kubevirt"), null, T0)
                        .inForce()
                        .version())
                .isEqualTo("9.0.0");
        ResolvedQemu unreadable =
                resolver.resolve(AUTO, KubeVirtRelease.of("sha256:abc", "kubevirt/kubevirt"), null, T0.plusSeconds(60));
        assertThat(unreadable.inForce().version()).isEqualTo("9.0.0");
        assertThat(unreadable.current()).isFalse();
        assertThat(unreadable.reason()).isEqualTo(ResolvedQemu.UNREADABLE);
        assertThat(unreadable.message())
                .isEqualTo("KubeVirt kubevirt/kubevirt reports release 'sha256:abc', which is not vX.Y.Z: "
                        + "still judged for the last known answer (KubeVirt v1.4.1 ships QEMU 9.0.0); "
                        + "set spec.qemu to the QEMU the VMs run to judge for that instead");
        // A probe created later, with no status yet, reconciles with the same cached finding.
        assertThat(resolver.resolve(
                        AUTO, KubeVirtRelease.of("sha256:abc", "kubevirt/kubevirt"), null, T0.plusSeconds(90)))
                .isEqualTo(unreadable);
    }

    @Test
    void aRestartedOperatorReadsTheLastKnownQemuBackFromTheStatus() {
        QemuInForce stored =
                new QemuInForce("10.1", QemuInForce.KUBEVIRT, "KubeVirt v1.8.1 ships QEMU 10.1 (kubevirt#18142)");
        ResolvedQemu r = new QemuResolver()
                .resolve(
                        AUTO,
                        KubeVirtRelease.lookupFailed(
                                "not allowed to list kubevirts.kubevirt.io (check the operator's ClusterRole)"),
                        stored,
                        T0);
        assertThat(r.inForce().version()).isEqualTo("10.1");
        assertThat(r.reason()).isEqualTo("KubeVirtLookupFailed");
    }
}
