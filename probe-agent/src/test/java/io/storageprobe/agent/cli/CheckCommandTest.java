package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.testing.HangingFilesystem;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.qemu.RuleCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The command line as a user meets it: messages, exit codes, the table and the JSON. */
class CheckCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return new CheckCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badFlagsPrintOneLineAndUsageAndExit2() {
        for (String[] args : new String[][] {
            {"--bogus"},
            {"--output", "xml"},
            {"--device"},
            {"--timeout", "0"},
            {"--rules", "qemu-legacy-dio,nope"},
            {"stray"},
            {"--scratch=yes"},
            {"--volumes=yes"}
        }) {
            out.reset();
            err.reset();
            assertThat(check(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(stderr()).startsWith("storageprobe check: ").contains("Usage: storageprobe check");
            assertThat(stderr()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(stdout()).isEmpty();
        }
        check("--rules", "nope");
        assertThat(stderr()).contains("unknown rule 'nope'");
    }

    @Test
    void helpExitsZero() {
        assertThat(check("--help")).isZero();
        assertThat(stdout())
                .contains(
                        "Exit codes: 0 compatible or only unsupported, 1 a rule failed, 2 usage error, 3 probing error");
        assertThat(stdout())
                .contains("[--volumes]")
                .contains("--volumes         the PersistentVolumes kubelet attached");
    }

    @Test
    void tableShowsOneRowPerTargetAndTheReasonUnderAnythingNotCompatible() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            int code = check("--device", loop.device(), "--path", "/dev/shm", "--device", "sdzz9");
            String table = stdout();
            assertThat(code).as("a missing device is a probing error").isEqualTo(3);
            assertThat(table).containsPattern(loop.device() + " +device +- +4096/4096 ");
            assertThat(table).containsPattern("/dev/shm +path +tmpfs .* Unsupported\n    tmpfs has no direct I/O");
            assertThat(table).containsPattern("sdzz9 +device .* Error\n    no such device: /dev/sdzz9");
            assertThat(table).contains("Node verdict: Error (3 targets: ");
        }
    }

    @Test
    void anEmptyOrTinyDeviceIsUnsupportedNotAffected() throws Exception {
        try (LoopDevice empty = LoopDevice.createOfBytes(512, 0);
                LoopDevice tiny = LoopDevice.createOfBytes(512, 4096)) {
            int code = check("--device", empty.device(), "--device", tiny.device());
            assertThat(code).as("Unsupported exits 0: " + stdout() + stderr()).isZero();
            assertThat(stdout())
                    .containsPattern(empty.device() + " +device .* Unsupported\n    " + empty.device()
                            + " holds 0 bytes; the probes read its first 8192");
            assertThat(stdout())
                    .containsPattern(
                            tiny.device() + " +device .* Unsupported\n    " + tiny.device() + " holds 4096 bytes;");
            assertThat(stdout()).doesNotContain("Affected");
        }
    }

    @Test
    void aDeadFuseMountSaysWhatTheErrnoSays() throws Exception {
        try (HangingFilesystem fuse = HangingFilesystem.mount()) {
            fuse.killServer();
            check("--path", fuse.mountPoint().toString(), "--file", fuse.file().toString());
            // The kernel may still answer stat on the mount point from its cache; creating a file there cannot.
            assertThat(stdout())
                    .containsPattern(
                            fuse.mountPoint() + " +path .* Error\n    cannot (stat|create a temporary" + " file in) "
                                    + fuse.mountPoint() + ": (ENOTCONN \\()?Transport endpoint is not connected\\)?\n");
            assertThat(stdout())
                    .contains("    cannot resolve " + fuse.file() + ": Transport endpoint is not connected\n");
            assertThat(stdout()).doesNotContain("is not a directory");
        }
    }

    @Test
    void jsonIsAStorageProbeResult() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            assertThat(check("--device=" + loop.device(), "--output", "json")).isZero();
            JsonNode doc = new ObjectMapper().readTree(stdout());
            assertThat(doc.at("/apiVersion").asText()).isEqualTo("storageprobe.io/v1alpha1");
            assertThat(doc.at("/kind").asText()).isEqualTo("StorageProbeResult");
            assertThat(doc.at("/metadata/labels/storageprobe.io~1probe").asText())
                    .isEqualTo("check");
            JsonNode target = doc.at("/spec/targets/0");
            assertThat(target.at("/kind").asText()).isEqualTo("device");
            assertThat(target.at("/facts/logicalBlockSize").asInt()).isEqualTo(512);
            assertThat(target.at("/facts/requestProbes/1/result").asText()).isEqualTo("OK");
            assertThat(target.at("/rules")).hasSize(RuleCatalog.names().size());
            assertThat(target.at("/facts/conclusionRead/result").asText()).isEqualTo("OK");
            assertThat(doc.at("/spec/verdict").asText()).isEqualTo("Compatible");
        }
    }

    @Test
    void scratchModeProbesItsOwnDevicesAndLeavesNothingBehind() throws Exception {
        String loopsBefore = LoopDevice.run("losetup", "-l", "-n", "-O", "NAME");
        int code = check("--scratch");
        assertThat(code).as(stdout() + stderr()).isIn(0, 1);
        assertThat(stdout()).containsPattern("/dev/loop\\d+ +device +- +512/512 ");
        assertThat(stdout()).containsPattern("/dev/loop\\d+ +device +- +4096/4096 ");
        assertThat(stdout()).containsPattern("/disk.img +file +ext4 +4096/4096 ");
        assertThat(stdout()).contains("(3 targets: ");
        assertThat(LoopDevice.run("losetup", "-l", "-n", "-O", "NAME")).isEqualTo(loopsBefore);
        try (Stream<Path> left = Files.list(Path.of("/var/tmp"))) {
            assertThat(left.map(Path::toString)).noneMatch(p -> p.contains("storageprobe-scratch-"));
        }
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain("storageprobe-scratch-");
    }
}
