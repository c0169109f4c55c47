package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent reads design.md's defaults into a missing spec field, the same way the operator does. */
class ProbeSettingsTest {

    @Test
    void appliesTheDocumentedDefaults() {
        ProbeSettings s = ProbeSettings.of(probe(null));
        assertThat(s.deviceInclude()).containsExactly("nvme*n*", "sd*", "vd*", "xvd*", "dm-*");
        assertThat(s.deviceExclude()).containsExactly("loop*", "ram*", "zram*", "sr*");
        assertThat(s.paths()).isEmpty();
        assertThat(s.files()).isEmpty();
        assertThat(s.rules()).isEmpty(); // empty means all built-in rules
        assertThat(s.interval()).isEqualTo(Duration.ofHours(6));
        assertThat(s.uid()).isEqualTo("uid-1");
        assertThat(s.volumes()).as("volumes only when asked for").isFalse();
    }

    @Test
    void probesVolumesWhenTheSpecAsks() {
        ProbeSettings s = ProbeSettings.of(probe(new StorageProbeSpec(
                null, null, new Targets(null, null, null, true, null), null, null, null, null, null)));
        assertThat(s.volumes()).isTrue();
        assertThat(ProbeSettings.of(probe(new StorageProbeSpec(
                                null, null, new Targets(null, null, null, false, null), null, null, null, null, null)))
                        .volumes())
                .isFalse();
    }

    @Test
    void takesWhatTheSpecSays() {
        ProbeSettings s = ProbeSettings.of(probe(new StorageProbeSpec(
                null,
                null,
                new Targets(
                        new DeviceTargets(List.of("loop7"), List.of()), List.of("/var/lib/kubelet"), null, null, null),
                List.of("qemu-legacy-dio"),
                "1h30m",
                null,
                null,
                null)));
        assertThat(s.deviceInclude()).containsExactly("loop7");
        assertThat(s.deviceExclude()).isEmpty();
        assertThat(s.paths()).containsExactly("/var/lib/kubelet");
        assertThat(s.rules()).containsExactly("qemu-legacy-dio");
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void refusesAnIntervalItCannotUseNamingTheField() {
        assertThatThrownBy(() ->
                        ProbeSettings.of(probe(new StorageProbeSpec(null, null, null, null, "10s", null, null, null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.interval: ");
    }

    private static StorageProbe probe(StorageProbeSpec spec) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName("p");
        p.getMetadata().setUid("uid-1");
        p.getMetadata().setGeneration(1L);
        p.setSpec(spec);
        return p;
    }
}
