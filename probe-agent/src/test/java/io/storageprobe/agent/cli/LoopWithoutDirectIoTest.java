package io.storageprobe.agent.cli;

import static io.storageprobe.agent.testing.CheckRun.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.storageprobe.agent.testing.CheckRun;
import io.storageprobe.agent.testing.LoopDevice;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loop devices that run buffered (issue 20, openebs/rawfile-localpv#39), made for real: a loop
 * device with 512-byte sectors over a file on a 4K filesystem, asked for direct I/O, is attached
 * anyway with loop/dio 0 (losetup exits 0). O_DIRECT on it is then served from the page cache:
 * dio-not-buffered fails there, as information (no QEMU breaks), for the device and for a disk
 * image on a filesystem on it.
 */
class LoopWithoutDirectIoTest {
    private static JsonNode checkJson(String... args) throws Exception {
        CheckRun run = CheckRun.of(args);
        assertThat(run.code())
                .as("informational only: " + run.out() + run.err())
                .isZero();
        return run.json();
    }

    @Test
    void aLoopDeviceThatFellBackToBufferedIoIsReportedWithItsReason() throws Exception {
        try (LoopDevice fourK = LoopDevice.create(4096)) {
            Path backing = fourK.mount("ext4").resolve("backing.img");
            try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
                f.setLength(64L << 20);
            }
            try (LoopDevice buffered = LoopDevice.overFile(backing, 512)) {
                // The kernel's own word, not ours: it attached without direct I/O although asked.
                assertThat(Files.readString(Path.of("/sys/block", buffered.name(), "loop/dio"))
                                .trim())
                        .isEqualTo("0");

                JsonNode target = checkJson("--device=" + buffered.device(), "--output", "json")
                        .at("/spec/targets/0");
                assertThat(target.at("/facts/loop/device").asText()).isEqualTo(buffered.name());
                assertThat(target.at("/facts/loop/directIo").asBoolean(true)).isFalse();
                assertThat(target.at("/facts/loop/backingFile").asText()).isEqualTo(backing.toString());
                JsonNode outcome = rule(target, "dio-not-buffered");
                assertThat(outcome.at("/status").asText()).isEqualTo("Fail");
                assertThat(outcome.at("/reason").asText())
                        .isEqualTo(buffered.name() + " runs without direct I/O"
                                + " (/sys/block/" + buffered.name() + "/loop/dio is 0, backing file " + backing
                                + "): O_DIRECT through it is served from the backing file's page cache");
                assertThat(target.at("/verdict").asText()).isEqualTo("Compatible");
                assertThat(target.at("/latentFindings/0").asText())
                        .startsWith("dio-not-buffered fails, but it breaks no QEMU");

                // A disk image on a filesystem on that loop device: the same loop is beneath it.
                Path mnt = buffered.mount("ext4");
                Path image = buffered.writeFile("disk.img", 1 << 20);
                JsonNode file = checkJson("--file=" + image, "--output", "json").at("/spec/targets/0");
                assertThat(mnt).isNotNull();
                assertThat(file.at("/facts/loop/device").asText()).isEqualTo(buffered.name());
                assertThat(rule(file, "dio-not-buffered").at("/status").asText())
                        .isEqualTo("Fail");
            }
        }
    }

    @Test
    void aLoopDeviceWithDirectIoPassesAndSaysSo() throws Exception {
        try (LoopDevice direct = LoopDevice.create(4096)) {
            assertThat(Files.readString(Path.of("/sys/block", direct.name(), "loop/dio"))
                            .trim())
                    .isEqualTo("1");
            JsonNode target =
                    checkJson("--device=" + direct.device(), "--output", "json").at("/spec/targets/0");
            assertThat(target.at("/facts/loop/directIo").asBoolean(false)).isTrue();
            assertThat(rule(target, "dio-not-buffered").at("/status").asText()).isEqualTo("Pass");
            // virtio/loop queues have no virt_boundary: the mask is read, and 0.
            assertThat(target.at("/facts/virtBoundaryMask").asLong(-1)).isZero();
        }
    }
}
