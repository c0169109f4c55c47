package io.storageprobe.agent.cli;

import static io.storageprobe.agent.testing.CheckRun.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.storageprobe.agent.testing.CheckRun;
import io.storageprobe.agent.testing.LoopDevice;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Disk images whose size is not a multiple of QEMU's request alignment (issue 20, kubevirt#5785),
 * on a real 4K ext4 and judged beside the real qemu-io (Debian 12's QEMU 7.2, test-tools.txt):
 * QEMU refuses to open them writable with cache=none, and the agent says Affected exactly there.
 */
class ImageSizeAlignmentTest {

    private static JsonNode check(String... args) throws Exception {
        CheckRun run = CheckRun.of(args);
        assertThat(run.err()).doesNotContain("Exception");
        return run.json();
    }

    private static Path image(Path dir, String name, long bytes) throws Exception {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            // Data, not a hole, at offset 0: the probes read there.
            f.write(new byte[65536]);
            f.setLength(bytes);
        }
        LoopDevice.run("sync", "-f", file.toString());
        return file;
    }

    /** Real qemu-io, as a VM's disk is opened: read-write, cache=none. */
    private static String qemuIo(Path image) {
        try {
            return LoopDevice.run("qemu-io", "-f", "raw", "-t", "none", "-c", "read 0 4096", image.toString());
        } catch (java.io.IOException e) {
            return "FAILED " + e.getMessage();
        }
    }

    @Test
    void anImageOffTheRequestAlignmentIsAffectedWhereQemuRefusesIt() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            Path mnt = loop.mount("ext4");
            Path odd = image(mnt, "odd.img", (1 << 20) + 512);
            Path unrounded = image(mnt, "unrounded.img", (1 << 20) + 100);
            Path aligned = image(mnt, "disk.img", 1 << 20);

            JsonNode doc = check("--file=" + odd, "--file=" + unrounded, "--file=" + aligned, "--output", "json");
            JsonNode oddTarget = doc.at("/spec/targets/0");
            assertThat(oddTarget.at("/facts/imageBytes").asLong()).isEqualTo((1 << 20) + 512);
            assertThat(oddTarget.at("/facts/probedRequestAlignment").asInt()).isEqualTo(4096);
            assertThat(rule(oddTarget, "image-size-alignment").at("/reason").asText())
                    .isEqualTo(
                            "the image holds 1049088 bytes, not a multiple of QEMU's request alignment 4096: QEMU refuses to"
                                    + " open it writable with cache=none (\"Image size is not a multiple of request alignment\");"
                                    + " grow it to 1052672 bytes");
            assertThat(oddTarget.at("/verdict").asText()).isEqualTo("Affected");
            assertThat(qemuIo(odd)).contains("Image size is not a multiple of request alignment");

            // QEMU counts whole 512-byte sectors: 1 MiB + 100 bytes is 1 MiB + 512 to it.
            JsonNode unroundedTarget = doc.at("/spec/targets/1");
            assertThat(rule(unroundedTarget, "image-size-alignment")
                            .at("/reason")
                            .asText())
                    .startsWith("the image holds 1048676 bytes (1049088 in QEMU's 512-byte sectors), not a multiple");
            assertThat(qemuIo(unrounded)).contains("Image size is not a multiple of request alignment");

            JsonNode alignedTarget = doc.at("/spec/targets/2");
            assertThat(rule(alignedTarget, "image-size-alignment").at("/status").asText())
                    .isEqualTo("Pass");
            assertThat(alignedTarget.at("/verdict").asText()).isEqualTo("Compatible");
            assertThat(qemuIo(aligned)).startsWith("read 4096/4096 bytes at offset 0");
        }
    }

    @Test
    void onFiveTwelveByteStorageEverySizeOfWholeSectorsPasses() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            Path odd = image(loop.mount("ext4"), "odd.img", (1 << 20) + 100);
            JsonNode target = check("--file=" + odd, "--output", "json").at("/spec/targets/0");
            // ext4 with 4K blocks on a 512-byte disk: QEMU's request alignment is the disk's 512.
            assertThat(target.at("/facts/probedRequestAlignment").asInt()).isEqualTo(512);
            assertThat(rule(target, "image-size-alignment").at("/status").asText())
                    .isEqualTo("Pass");
            assertThat(qemuIo(odd)).startsWith("read 4096/4096 bytes at offset 0");
        }
    }
}
