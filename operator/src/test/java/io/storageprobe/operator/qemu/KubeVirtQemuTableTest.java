package io.storageprobe.operator.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.QemuInForce;
import org.junit.jupiter.api.Test;

class KubeVirtQemuTableTest {
    private static String qemu(String release) {
        return KubeVirtQemuTable.qemuOf(release).orElseThrow().version();
    }

    @Test
    void mapsEachKnownReleaseToTheQemuItsVirtLauncherShips() {
        assertThat(qemu("v0.59.0")).isEqualTo("7.2");
        assertThat(qemu("v1.0.4")).isEqualTo("7.2");
        assertThat(qemu("v1.1.0")).isEqualTo("8.0.0");
        assertThat(qemu("v1.2.2")).isEqualTo("8.0.0");
        assertThat(qemu("v1.3.1")).isEqualTo("8.2.0");
        assertThat(qemu("v1.4.0")).isEqualTo("9.0.0");
        assertThat(qemu("v1.5.2")).isEqualTo("9.1.0");
        assertThat(qemu("v1.7.0-rc.1")).isEqualTo("9.1.0");
        assertThat(qemu("v1.8.1")).isEqualTo("10.1");
        assertThat(qemu("v1.9.0")).isEqualTo("10.1");
        assertThat(qemu("1.9.0-rc.2")).isEqualTo("10.1");
        assertThat(KubeVirtQemuTable.qemuOf("v1.9.0"))
                .get()
                .isEqualTo(new QemuInForce(
                        "10.1",
                        QemuInForce.KUBEVIRT,
                        "KubeVirt v1.9.0 ships QEMU 10.1 (rpm/BUILD.bazel at v1.9.0-rc.2)"));
    }

    @Test
    void aReleaseNewerThanTheTableIsJudgedForTheNewestQemuItKnows() {
        QemuInForce future = KubeVirtQemuTable.qemuOf("v2.0.0").orElseThrow();
        assertThat(future.version()).isEqualTo("10.1");
        assertThat(future.source()).isEqualTo(QemuInForce.KUBEVIRT);
        assertThat(future.message())
                .startsWith(
                        "KubeVirt v2.0.0 is newer than this operator's table (up to v1.9); judged for QEMU 10.1, the newest it knows")
                .contains("set spec.qemu");
        assertThat(qemu("v1.10.0")).isEqualTo("10.1");
        assertThat(KubeVirtQemuTable.qemuOf("v1.10.0").orElseThrow().message())
                .contains("newer than this operator's table");
    }

    @Test
    void aReleaseOlderThanV059IsAKnownAnswerWithoutAVersion() {
        QemuInForce old = KubeVirtQemuTable.qemuOf("v0.58.2").orElseThrow();
        assertThat(old.version()).isNull();
        assertThat(old.message()).contains("older than 7.2").contains("every rule counts");
    }

    @Test
    void aReleaseThatIsNotVxyzHasNoAnswer() {
        assertThat(KubeVirtQemuTable.qemuOf("latest")).isEmpty();
        assertThat(KubeVirtQemuTable.qemuOf("sha256:4f1c2d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"))
                .isEmpty();
        assertThat(KubeVirtQemuTable.qemuOf("main-abc123")).isEmpty();
        assertThat(KubeVirtQemuTable.qemuOf("v99999999999.1.0")).isEmpty();
        assertThat(KubeVirtQemuTable.qemuOf(null)).isEmpty();
    }
}
