package io.storageprobe.api.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QemuVersionTest {
    @Test
    void ordersNumericallyNotAsText() {
        assertThat(QemuVersion.parse("10.1")).isGreaterThan(QemuVersion.parse("9.1.0"));
        assertThat(QemuVersion.parse("7.1.9").isOlderThan(QemuVersion.parse("7.2")))
                .isTrue();
        assertThat(QemuVersion.parse("7.2.0")).isEqualByComparingTo(QemuVersion.parse("7.2"));
        assertThat(QemuVersion.parse("9.1.0")).hasToString("9.1");
        assertThat(QemuVersion.parse("9.1.2")).hasToString("9.1.2");
    }

    @Test
    void refusesWhatIsNotMajorMinor() {
        for (String bad : new String[] {"7", "auto", "v7.2", "7.2-rc1", "", "7.2.0.1"}) {
            assertThatThrownBy(() -> QemuVersion.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("major.minor");
        }
    }

    @Test
    void readsTheVersionFromQemuImgOutput() {
        assertThat(QemuVersion.fromVersionOutput(
                        "qemu-img version 7.2.0 (Debian 1:7.2+dfsg-7+deb12u7)\nCopyright (c) 2003-2022"))
                .isEqualTo(new QemuVersion(7, 2, 0));
        assertThat(QemuVersion.fromVersionOutput("QEMU emulator version 10.1.2 (Debian 1:10.1.2+ds-1)"))
                .isEqualTo(new QemuVersion(10, 1, 2));
        assertThat(QemuVersion.fromVersionOutput("bash: qemu-img: command not found"))
                .isNull();
    }
}
