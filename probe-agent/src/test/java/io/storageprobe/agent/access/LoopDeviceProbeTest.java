package io.storageprobe.agent.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.QemuIo;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real O_DIRECT on real loop devices (root required, as in CI). What the kernel allows depends on
 * its version, so the assertions that differ name the rule they follow (kernel-facts.md).
 */
class LoopDeviceProbeTest {
    private final TargetProber prober = new TargetProber();

    private TargetResult probe(Target target) {
        return RuleSet.all().judge(prober.measure(target));
    }

    private static List<String> results(List<ProbeRead> reads) {
        return reads.stream().map(ProbeRead::result).toList();
    }

    @Test
    void sector512DeviceIsAlignedTo512ForRequestsAndBuffers() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            TargetResult r = probe(Target.device(loop.device()));
            TargetFacts f = r.facts();
            assertThat(r.kind()).isEqualTo(TargetKind.DEVICE);
            assertThat(r.device()).isEqualTo(loop.name());
            assertThat(f.logicalBlockSize()).isEqualTo(512);
            assertThat(results(f.requestProbes())).containsExactly("EINVAL", "OK", "OK", "OK", "OK");
            assertThat(f.probedRequestAlignment()).isEqualTo(512);
            assertThat(f.requestAlignmentSource())
                    .as("a device: QEMU asks BLKSSZGET first")
                    .isEqualTo("BLKSSZGET");
            assertThat(f.probedBufferAlignment()).isEqualTo(512);
            assertThat(f.splitVector())
                    .as("QEMU never splits when buffer and request alignment agree")
                    .isNull();
            assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
        }
    }

    @Test
    void sector4096DeviceNeedsWholeBlocksButAcceptsBuffersAtDmaAlignment() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            TargetResult r = probe(Target.device(loop.device()));
            TargetFacts f = r.facts();
            assertThat(f.logicalBlockSize()).isEqualTo(4096);
            assertThat(f.physicalBlockSize()).isEqualTo(4096);
            assertThat(results(f.requestProbes())).containsExactly("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK");
            assertThat(f.probedRequestAlignment()).isEqualTo(4096);
            assertSplitReadFollowsTheKernelRule(r);
        }
    }

    @Test
    void sectorsAboveThePageSizeLeaveQemuNoAlignmentAndEveryQemuRefusesTheDisk() throws Exception {
        LoopDevice made;
        try {
            made = LoopDevice.create(8192);
        } catch (IOException e) {
            // Logical blocks above the page size need a kernel with large block size support (6.x).
            Assumptions.abort("this kernel refuses loop devices with 8192-byte sectors: " + e.getMessage());
            return;
        }
        try (LoopDevice loop = made) {
            TargetResult r = probe(Target.device(loop.device()));
            assertThat(r.facts().logicalBlockSize()).isEqualTo(8192);
            assertThat(results(r.facts().requestProbes())).containsOnly("EINVAL");
            assertThat(results(r.facts().bufferProbes())).containsOnly("EINVAL");
            // QEMU takes 8192 from BLKSSZGET without reading; no buffer alignment works with its reads.
            assertThat(r.facts().probedRequestAlignment()).isEqualTo(8192);
            assertThat(r.facts().probedBufferAlignment()).isNull();
            assertThat(r.verdict())
                    .as("a verdict about VMs, not a failure to probe: %s", r.reason())
                    .isEqualTo(Verdict.Affected);
            assertThat(r.rules())
                    .filteredOn(o -> o.rule().equals(RuleCatalog.QEMU_ALIGNMENT_PROBE))
                    .singleElement()
                    .satisfies(o -> {
                        assertThat(o.status()).isEqualTo(RuleStatus.Fail);
                        assertThat(o.reason())
                                .contains("logical block size 8192")
                                .contains("Could not find working O_DIRECT alignment");
                    });
            assertThat(QemuJudgement.judge(r, new QemuInForce("10.1", QemuInForce.FLAG, "test"))
                            .verdict())
                    .as("no QEMU release finds an alignment here")
                    .isEqualTo(Verdict.Affected);
            // The judge: real QEMU refuses to open it with cache=none.
            assertThat(QemuIo.readOnly(loop.device(), "read 0 8192"))
                    .startsWith("1: ")
                    .contains("Could not find working O_DIRECT alignment");
        }
    }

    @Test
    void aSparseImageWithAHoleAtOffsetZeroIsJudgedAsQemuFindsIt() throws Exception {
        for (String fs : List.of("ext4", "xfs")) {
            try (LoopDevice loop = LoopDevice.create(4096)) {
                Path mnt = loop.mount(fs);
                // As importers leave disk.img: allocated where the guest wrote, a hole at offset 0.
                Path sparse = mnt.resolve("sparse.img");
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
                    f.setLength(1 << 20);
                }
                Path data = loop.writeFile("data.img", 1 << 20);

                TargetResult hole = probe(Target.file(sparse.toString()));
                assertThat(hole.facts().holeAtOffsetZero()).as(fs).isTrue();
                // iomap zero-fills the hole without an alignment check, so even 1 byte "works" there and
                // QEMU settles on its largest alignment: nothing it sends can fail.
                assertThat(results(hole.facts().requestProbes())).as(fs).containsOnly("OK");
                assertThat(hole.facts().probedRequestAlignment()).as(fs).isEqualTo(4096);
                assertThat(hole.verdict())
                        .as("%s, every rule counting: %s", fs, hole.reason())
                        .isEqualTo(Verdict.Compatible);
                assertThat(QemuIo.readOnly(sparse.toString(), "readv 0 512 3584"))
                        .as(fs)
                        .startsWith("0: ")
                        .doesNotContain("failed");

                TargetResult written = probe(Target.file(data.toString()));
                assertThat(written.facts().holeAtOffsetZero()).as(fs).isFalse();
                assertThat(written.facts().probedRequestAlignment()).as(fs).isEqualTo(4096);
                assertThat(results(written.facts().requestProbes())).as(fs).startsWith("EINVAL");
            }
        }
    }

    @Test
    void partitionIsJudgedByItsDisksQueue() throws Exception {
        try (LoopDevice loop = LoopDevice.createPartitioned(4096)) {
            Path partition = Path.of(loop.device() + "p1");
            assertThat(Files.exists(
                            Path.of("/sys/class/block", partition.getFileName().toString(), "queue")))
                    .as("partitions have no queue of their own")
                    .isFalse();
            TargetResult r = probe(Target.device(partition.toString()));
            assertThat(r.device()).isEqualTo(loop.name() + "p1");
            assertThat(r.facts().logicalBlockSize()).isEqualTo(4096);
            assertThat(r.facts().dmaAlignment())
                    .as("from the disk's queue")
                    .isNotNull()
                    .isEqualTo(readMask(loop.name()) + 1);
            assertThat(r.facts().probedRequestAlignment()).isEqualTo(4096);
        }
    }

    private static int readMask(String disk) throws java.io.IOException {
        return Integer.parseInt(Files.readString(Path.of("/sys/block", disk, "queue", "dma_alignment"))
                .trim());
    }

    @Test
    void filesOnExt4AndXfsOn4kDeviceBehaveLikeTheDevice() throws Exception {
        for (String fs : List.of("ext4", "xfs")) {
            try (LoopDevice loop = LoopDevice.create(4096)) {
                loop.mount(fs);
                Path file = loop.writeFile("disk.img", 1 << 20);
                TargetResult r = probe(Target.file(file.toString()));
                assertThat(r.filesystem()).isEqualTo(fs);
                assertThat(r.device()).isEqualTo(loop.name());
                assertThat(r.facts().logicalBlockSize()).isEqualTo(4096);
                assertThat(r.facts().probedRequestAlignment()).as(fs).isEqualTo(4096);
                // raw_probe_alignment's order: xfs answers XFS_IOC_DIOINFO, ext4 files leave it to the reads.
                assertThat(r.facts().requestAlignmentSource())
                        .as(fs)
                        .isEqualTo(fs.equals("xfs") ? "XFS_IOC_DIOINFO" : "reads");
                assertSplitReadFollowsTheKernelRule(r);
            }
        }
    }

    @Test
    void directoryTargetProbesATemporaryFileAndRemovesIt() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            Path mnt = loop.mount("ext4");
            TargetResult r = probe(Target.path(mnt.toString()));
            assertThat(r.kind()).isEqualTo(TargetKind.PATH);
            assertThat(r.path()).startsWith(mnt + "/.storageprobe-");
            assertThat(r.facts().probedRequestAlignment()).isEqualTo(4096);
            try (Stream<Path> left = Files.list(mnt)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("lost+found");
            }
        }
    }

    @Test
    void tmpfsIsUnsupported() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "storageprobe-test-");
        try {
            TargetResult r = probe(Target.path(dir.toString()));
            assertThat(r.filesystem()).isEqualTo("tmpfs");
            assertThat(r.verdict()).isEqualTo(Verdict.Unsupported);
            assertThat(r.reason()).contains("tmpfs has no direct I/O");
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).isEmpty();
            }
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void missingAndWrongTargetsAreErrorsWithTheirReason() throws Exception {
        assertThat(probe(Target.device("sdzz9"))).satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.Error);
            assertThat(r.reason()).isEqualTo("no such device: /dev/sdzz9");
        });
        assertThat(probe(Target.device("/etc/os-release")).reason()).isEqualTo("/etc/os-release is not a block device");
        assertThat(probe(Target.file("/no/such/file")).reason()).isEqualTo("no such file: /no/such/file");
        assertThat(probe(Target.path("/etc/os-release")).reason())
                .isEqualTo("/etc/os-release is not a directory (use --file for files)");
    }

    /**
     * Linux 6.0-6.17 reject a preadv segment whose length is not a multiple of the logical block
     * size; 6.18 accepts segments aligned to dma_alignment. Older kernels demand full alignment,
     * so QEMU never splits. Whichever rule this kernel follows, the facts and verdict must agree.
     */
    private static void assertSplitReadFollowsTheKernelRule(TargetResult r) {
        TargetFacts f = r.facts();
        if (f.dmaAlignment() == null) {
            assertThat(f.probedBufferAlignment()).isEqualTo(4096);
            assertThat(f.splitVector()).isNull();
            assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
            return;
        }
        assertThat(f.probedBufferAlignment())
                .as("buffer alignment follows dma_alignment")
                .isEqualTo(f.dmaAlignment());
        assertThat(f.statx().memAlign()).isEqualTo(f.dmaAlignment());
        assertThat(f.statx().offsetAlign()).isEqualTo(4096);
        assertThat(f.splitVector().describe()).isEqualTo("{512@0xc00, 3584@0x200}");
        boolean relaxed = KernelRelease.current().atLeast(6, 18);
        assertThat(f.splitVector().result()).isEqualTo(relaxed ? "OK" : "EINVAL");
        assertThat(r.rules())
                .filteredOn(o -> o.rule().equals("qemu-legacy-dio"))
                .singleElement()
                .extracting(o -> o.status())
                .isEqualTo(relaxed ? RuleStatus.Pass : RuleStatus.Fail);
        assertThat(r.verdict()).isEqualTo(relaxed ? Verdict.Compatible : Verdict.Affected);
    }
}
