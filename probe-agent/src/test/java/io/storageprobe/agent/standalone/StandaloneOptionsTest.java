package io.storageprobe.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storageprobe.agent.flags.UsageException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flags of {@code agent --standalone}: the cluster's defaults, check's target flags, mistakes as one message. */
class StandaloneOptionsTest {

    @Test
    void defaultsAreTheClustersDefaults() throws UsageException {
        StandaloneOptions o = StandaloneOptions.parse("--standalone");
        assertThat(o)
                .isEqualTo(new StandaloneOptions(
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        null,
                        Duration.ofHours(6),
                        9402,
                        "standalone",
                        false,
                        false));
    }

    @Test
    void flagsAsForCheckInBothSpellings() throws UsageException {
        StandaloneOptions o = StandaloneOptions.parse(
                "--device",
                "sda",
                "--device=/dev/vdb",
                "--path",
                "/var/lib/libvirt",
                "--file=/srv/disk.img",
                "--rules",
                "qemu-legacy-dio, dio-not-buffered",
                "--qemu",
                "5.2",
                "--standalone",
                "--interval",
                "1h30m",
                "--metrics-port=9500",
                "--probe",
                "libvirt");
        assertThat(o)
                .isEqualTo(new StandaloneOptions(
                        List.of("sda", "/dev/vdb"),
                        List.of("/var/lib/libvirt"),
                        List.of("/srv/disk.img"),
                        List.of("qemu-legacy-dio", "dio-not-buffered"),
                        "5.2",
                        Duration.ofMinutes(90),
                        9500,
                        "libvirt",
                        false,
                        false));
        assertThat(StandaloneOptions.parse("--standalone", "--qemu", "auto").qemu())
                .isNull();
        assertThat(StandaloneOptions.parse("--standalone", "--volumes").volumes())
                .isTrue();
    }

    @Test
    void badFlagsAreOneMessage() {
        assertThatThrownBy(() -> StandaloneOptions.parse("--standalone", "--interval", "30s"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--interval: '30s' is shorter than the minimum of 1m");
        assertThatThrownBy(() -> StandaloneOptions.parse("--interval", "6 hours"))
                .hasMessageStartingWith("--interval: ");
        assertThatThrownBy(() -> StandaloneOptions.parse("--metrics-port", "70000"))
                .hasMessage("--metrics-port must be a port number, not 70000");
        assertThatThrownBy(() -> StandaloneOptions.parse("--probe", "Not_A_Label"))
                .hasMessageStartingWith("--probe must be");
        assertThatThrownBy(() -> StandaloneOptions.parse("--qemu", "seven")).hasMessageStartingWith("--qemu: ");
        assertThatThrownBy(() -> StandaloneOptions.parse("--device")).hasMessage("--device needs a value");
        assertThatThrownBy(() -> StandaloneOptions.parse("--node", "n1")).hasMessage("unknown flag --node");
        assertThatThrownBy(() -> StandaloneOptions.parse("--standalone=yes")).hasMessage("--standalone takes no value");
        assertThatThrownBy(() -> StandaloneOptions.parse("stray")).hasMessage("unexpected argument stray");
    }
}
