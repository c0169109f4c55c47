package io.storageprobe.agent.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.alignment.WriteAlignmentProbe;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.ProbeWrite;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.result.WriteProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The write probe and QEMU's concluding read on real filesystems over real loop devices (root
 * required). Only the agent's own temporary files are written; a test file written here checks
 * that the probe writes back exactly what a file holds.
 */
class WriteProbeLoopDeviceTest {
    private final TargetProber prober = new TargetProber();

    private TargetResult probe(Target target) {
        return RuleSet.all().judge(prober.measure(target));
    }

    private static RuleOutcome rule(TargetResult r, String name) {
        return r.rules().stream().filter(o -> o.rule().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> results(WriteProbe p) {
        return p.writes().stream().map(ProbeWrite::result).toList();
    }

    private static void assertNoScratchLeft(Path mnt) throws Exception {
        try (Stream<Path> left = Files.list(mnt)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".storageprobe-"));
        }
    }

    @Test
    void ext4And4kXfsWritesNeedWholeBlocksAndBuffersAtDmaAlignmentLikeReads() throws Exception {
        for (String fs : List.of("ext4", "xfs")) {
            try (LoopDevice loop = LoopDevice.create(4096)) {
                Path mnt = loop.mount(fs);
                TargetResult r = probe(Target.path(mnt.toString()));
                WriteProbe w = r.facts().writeProbe();
                int dma = r.facts().dmaAlignment() == null ? 4096 : r.facts().dmaAlignment();
                assertThat(w.requestAlignment()).as(fs).isEqualTo(4096);
                assertThat(w.bufferAlignment()).as(fs).isEqualTo(dma);
                assertThat(results(w).subList(0, 6))
                        .as(fs)
                        .containsExactly("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK", "OK");
                assertThat(w.writes().get(6)).isEqualTo(new ProbeWrite(4096, 1, "EINVAL"));
                assertThat(rule(r, "dio-write-alignment").status()).as(fs).isEqualTo(RuleStatus.Pass);
                assertThat(rule(r, "dio-not-buffered").status()).as(fs).isEqualTo(RuleStatus.Pass);
                assertThat(rule(r, "qemu-alignment-probe").status()).as(fs).isEqualTo(RuleStatus.Pass);
                assertThat(r.facts().conclusionRead().length()).isEqualTo(4096);
                if (fs.equals("ext4")) {
                    assertThat(r.facts().reflinkWriteProbe())
                            .as("ext4 cannot reflink")
                            .isNull();
                } else {
                    assertThat(r.facts().reflinkWriteProbe().requestAlignment()).isEqualTo(4096);
                    assertThat(r.facts().reflinkWriteProbe().bufferAlignment()).isEqualTo(dma);
                }
                assertNoScratchLeft(mnt);
            }
        }
    }

    @Test
    void xfsOn512SectorsWrites512DirectlyAndBouncesItOnACopyOnWriteClone() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            Path mnt = loop.mount("xfs");
            TargetResult r = probe(Target.path(mnt.toString()));
            assertThat(r.facts().probedRequestAlignment()).isEqualTo(512);
            assertThat(r.facts().writeProbe().requestAlignment()).isEqualTo(512);
            WriteProbe clone = r.facts().reflinkWriteProbe();
            assertThat(clone.requestAlignment())
                    .as("xfs serves the sub-block write through the page cache instead of failing it")
                    .isEqualTo(512);
            if (clone.statx() != null && clone.statx().readOffsetAlign() != null) {
                // Linux 6.14+: the clone's statx says writes need the 4096-byte block, reads 512.
                assertThat(clone.statx().offsetAlign()).isEqualTo(4096);
                assertThat(clone.statx().readOffsetAlign()).isEqualTo(512);
                assertThat(rule(r, "dio-write-alignment").reason())
                        .contains("reflinked clone 512/512 (a 512-byte"
                                + " write succeeded although statx says O_DIRECT writes need 4096");
            }
            assertThat(rule(r, "dio-write-alignment").status()).isEqualTo(RuleStatus.Pass);
            assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
            assertNoScratchLeft(mnt);
        }
    }

    @Test
    void btrfsAcceptsWritesRealDirectIoCannotDo() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            Path mnt = loop.mount("btrfs");
            TargetResult r = probe(Target.path(mnt.toString()));
            WriteProbe w = r.facts().writeProbe();
            // btrfs falls back to buffered writes for misaligned O_DIRECT, and for every
            // checksummed file since 968f19c5b1b7: a 1-byte write and a write from +1 go through.
            assertThat(w.writes()).contains(new ProbeWrite(1, 0, "OK"), new ProbeWrite(4096, 1, "OK"));
            assertThat(w.requestAlignment()).isEqualTo(1);
            assertThat(w.bufferAlignment()).isEqualTo(1);
            assertThat(r.facts().reflinkWriteProbe().writes()).contains(new ProbeWrite(1, 0, "OK"));
            assertThat(rule(r, "dio-not-buffered").status()).isEqualTo(RuleStatus.Fail);
            assertThat(rule(r, "dio-not-buffered").reason())
                    .contains("a 1-byte write and a 4096-byte write from a"
                            + " buffer at +1 (to the scratch file and its reflinked clone) succeeded with O_DIRECT");
            assertThat(rule(r, "dio-write-alignment").status()).isEqualTo(RuleStatus.Pass);
            // Informational: qemu-io of every QEMU works on btrfs (kernel matrix), so no VM fails here.
            assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
            assertThat(r.latentFindings())
                    .singleElement()
                    .asString()
                    .startsWith("dio-not-buffered fails, but it breaks no QEMU");
            assertNoScratchLeft(mnt);
        }
    }

    @Test
    void theWriteProbeWritesBackExactlyWhatTheFileHolds() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            loop.mount("ext4");
            Path file = loop.writeFile("own.img", 64 * 1024);
            byte[] before = Files.readAllBytes(file);
            WriteProbe w = WriteAlignmentProbe.run(file.toString(), null, before[0]);
            assertThat(w.requestAlignment()).isEqualTo(4096);
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        }
    }

    @Test
    void devicesAndFilesAreNeverWrittenButGetQemusConcludingRead() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            TargetResult device = probe(Target.device(loop.device()));
            assertThat(device.facts().writeProbe()).isNull();
            assertThat(device.facts().conclusionRead()).satisfies(c -> {
                assertThat(c.length()).isEqualTo(512);
                assertThat(c.bufferOffset()).isEqualTo(512);
                assertThat(c.ok()).isTrue();
            });
            assertThat(rule(device, "qemu-alignment-probe").reason())
                    .isEqualTo(
                            "QEMU concludes request alignment"
                                    + " 512 and buffer alignment 512, and a pread of 512 bytes into a buffer at +512 succeeded");
            assertThat(rule(device, "dio-write-alignment").status()).isEqualTo(RuleStatus.NotApplicable);
            loop.mount("ext4");
            Path file = loop.writeFile("disk.img", 1 << 20);
            byte[] before = Files.readAllBytes(file);
            TargetResult r = probe(Target.file(file.toString()));
            assertThat(r.facts().writeProbe()).isNull();
            assertThat(r.facts().reflinkWriteProbe()).isNull();
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        }
    }
}
