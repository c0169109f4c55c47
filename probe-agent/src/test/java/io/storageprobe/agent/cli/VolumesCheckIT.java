package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.testing.FakeKubelet;
import io.storageprobe.agent.testing.VolumeSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code storageprobe check --volumes} from the shipped jar, with STORAGEPROBE_HOST_ROOT at a fake
 * kubelet directory over real devices: each volume goes through its own probe child, once.
 */
class VolumesCheckIT {
    private FakeKubelet kubelet;
    private Path outputs;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void createKubeletTree() throws Exception {
        kubelet = FakeKubelet.create();
        outputs = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-volumes-it-");
    }

    @AfterEach
    void removeKubeletTree() throws Exception {
        try {
            if (kubelet != null) {
                kubelet.close();
            }
        } finally {
            try (var files = Files.list(outputs)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(outputs);
        }
    }

    @Test
    void tableNamesEachVolumeByItsPersistentVolumeOnce() throws Exception {
        VolumeSnapshot before = VolumeSnapshot.of(kubelet.ext4Volume());
        Run run = check("--volumes", "--timeout", "120");
        assertThat(run.code()).as(run.out() + run.err()).isIn(0, 1);
        assertThat(run.out()).containsPattern("pv/pv-512 +volume +- +512/512 ");
        assertThat(run.out()).containsPattern("pv/pv-4k +volume +- +4096/4096 ");
        assertThat(run.out()).containsPattern("pv/pv-ext4 +volume +ext4 +4096/4096 ");
        assertThat(run.out()).containsPattern("pv/pv-empty +volume .* Unsupported\n    no disk image in ");
        assertThat(run.out().split("pv/pv-512", -1)).as("pv-512 probed once").hasSize(2);
        assertThat(run.out()).contains("(4 targets: ");
        assertThat(run.err()).contains("kubernetes.io~nfs: volumes of plugin kubernetes.io~nfs are not read");
        assertThat(VolumeSnapshot.of(kubelet.ext4Volume())).isEqualTo(before);
    }

    @Test
    void jsonCarriesThePersistentVolumeAndOtherTargetFlagsStillCount() throws Exception {
        Run run = check("--volumes", "--device", kubelet.block4k().device(), "--output", "json", "--timeout", "120");
        assertThat(run.code()).as(run.out() + run.err()).isIn(0, 1);
        JsonNode targets = new ObjectMapper().readTree(run.out()).at("/spec/targets");
        List<String> kinds = StreamSupport.stream(targets.spliterator(), false)
                .map(t -> t.get("kind").asText())
                .toList();
        assertThat(kinds).containsExactly("device", "volume", "volume", "volume", "volume");
        List<String> pvs = StreamSupport.stream(targets.spliterator(), false)
                .filter(t -> t.has("persistentVolume"))
                .map(t -> t.get("persistentVolume").asText())
                .toList();
        assertThat(pvs).containsExactly("pv-4k", "pv-512", "pv-ext4", "pv-empty");
        JsonNode ext4 = targets.get(3);
        assertThat(ext4.get("path").asText()).endsWith("/pv-ext4/mount/disk.img");
        assertThat(ext4.get("facts").has("writeProbe")).isFalse();
        assertThat(targets.get(1).get("device").asText())
                .isEqualTo(kubelet.block4k().name());
    }

    private Run check(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/storageprobe.jar").toAbsolutePath().toString(),
                "check"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("STORAGEPROBE_HOST_ROOT", kubelet.hostRoot().toString());
        // Files, not pipes: only the command itself is waited for, never a probe child holding a pipe.
        Path out = Files.createTempFile(outputs, "out", ".txt");
        Path err = Files.createTempFile(outputs, "err", ".txt");
        Process p =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("check did not end: " + Files.readString(err));
        }
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
