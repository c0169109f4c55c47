package io.storageprobe.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import org.junit.jupiter.api.Test;

class KubeVirtQemuTableTest {
    @Test
    void mapsEachKnownReleaseToItsQemu() {
        assertThat(KubeVirtQemuTable.qemuOf("v0.59.0").version()).isEqualTo("7.2");
        assertThat(KubeVirtQemuTable.qemuOf("v1.3.1").version()).isEqualTo("7.2");
        assertThat(KubeVirtQemuTable.qemuOf("v1.4.0").version()).isEqualTo("9.0.0");
        assertThat(KubeVirtQemuTable.qemuOf("v1.5.2").version()).isEqualTo("9.1.0");
        assertThat(KubeVirtQemuTable.qemuOf("v1.7.0-rc.1").version()).isEqualTo("9.1.0");
        assertThat(KubeVirtQemuTable.qemuOf("v1.8.1").version()).isEqualTo("10.1");
        assertThat(KubeVirtQemuTable.qemuOf("v1.8.1").source()).isEqualTo(QemuInForce.KUBEVIRT);
    }

    @Test
    void olderNewerAndUnparsableReleasesCountEveryRuleAndSayWhy() {
        QemuInForce old = KubeVirtQemuTable.qemuOf("v0.58.2");
        assertThat(old.version()).isNull();
        assertThat(old.message()).contains("older than 7.2").contains("every rule counts");
        QemuInForce future = KubeVirtQemuTable.qemuOf("v1.9.0");
        assertThat(future.version()).isNull();
        assertThat(future.message()).contains("newer than the releases this operator knows").contains("spec.qemu");
        assertThat(KubeVirtQemuTable.qemuOf("main-abc123").version()).isNull();
    }

    @Test
    void anExplicitSpecWinsOverKubeVirt() {
        StorageProbeSpec spec = new StorageProbeSpec(null, null, null, null, null, null, null, "7.2.0");
        assertThat(QemuResolver.resolve(spec, new KubeVirtRelease("v0.50.0", "kubevirt/kubevirt", null)))
                .isEqualTo(new QemuInForce("7.2", QemuInForce.SPEC, "spec.qemu"));
        StorageProbeSpec auto = new StorageProbeSpec(null, null, null, null, null, null, null, null);
        assertThat(QemuResolver.resolve(auto, KubeVirtRelease.none("no KubeVirt resource in the cluster")).message())
                .isEqualTo("no KubeVirt resource in the cluster: every rule counts");
        assertThat(QemuResolver.resolve(auto, new KubeVirtRelease("v1.4.1", "kubevirt/kubevirt", null)).version())
                .isEqualTo("9.0.0");
    }
}
