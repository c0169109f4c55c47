package io.storageprobe.agent.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.ProbeWrite;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.result.WriteProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rules on storage behaviours this host cannot show: dm-crypt's EIO, btrfs's silent buffering, NFS. */
class RulesTest {
    /** Facts from QEMU's two probes given the outcome of each read, in the order 1, 512, 1024, 2048, 4096. */
    private static TargetFacts facts(StatxDioAlign statx, List<String> request, List<String> buffer, int req, int buf) {
        int[] n = {1, 512, 1024, 2048, 4096};
        List<ProbeRead> requestReads = new java.util.ArrayList<>(), bufferReads = new java.util.ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            requestReads.add(new ProbeRead(n[i], 0, request.get(i)));
            bufferReads.add(new ProbeRead(4096, n[i], buffer.get(i)));
        }
        return new TargetFacts(
                4096,
                4096,
                512,
                statx,
                requestReads,
                bufferReads,
                req,
                buf,
                null,
                conclusion(requestReads, bufferReads, req, buf),
                null,
                null,
                null,
                null);
    }

    /** QEMU's concluding read as the kernel answers it: the probe read it equals, else OK. */
    private static ProbeRead conclusion(List<ProbeRead> request, List<ProbeRead> buffer, int req, int buf) {
        return Stream.concat(
                        buffer.stream().filter(r -> r.length() == req && r.bufferOffset() == buf),
                        request.stream().filter(r -> r.length() == req && r.bufferOffset() == buf))
                .findFirst()
                .orElse(new ProbeRead(req, buf, ProbeRead.OK));
    }

    /** Write probe facts given the outcome of the writes of 1, 512, 1024, 2048, 4096, 8192 bytes and from +1..+4096. */
    private static WriteProbe writes(StatxDioAlign statx, List<String> lengths, List<String> offsets) {
        int[] n = {1, 512, 1024, 2048, 4096, 8192};
        int[] k = {1, 512, 1024, 2048, 4096};
        List<ProbeWrite> writes = new ArrayList<>();
        Integer length = null;
        Integer buffer = null;
        for (int i = 0; i < n.length; i++) {
            writes.add(new ProbeWrite(n[i], 0, lengths.get(i)));
            length = length == null && lengths.get(i).equals("OK") ? Integer.valueOf(n[i]) : length;
        }
        for (int i = 0; i < k.length; i++) {
            writes.add(new ProbeWrite(4096, k[i], offsets.get(i)));
            buffer = buffer == null && offsets.get(i).equals("OK") ? Integer.valueOf(k[i]) : buffer;
        }
        return new WriteProbe(statx, writes, length, buffer);
    }

    private static RuleOutcome evaluate(Rule rule, TargetFacts facts, String fs) {
        return rule.evaluate(facts, fs);
    }

    @Test
    void dmCryptAnsweringEioMisleadsQemusProbeAndIsReportedOnce() {
        // dm-crypt on 6.0: the block layer rejects +1 with EINVAL (dma_alignment 511), dm-crypt itself
        // fails +512 with EIO, so QEMU settles on buffer alignment 512 and its 512-byte reads fail.
        TargetFacts f = facts(
                null,
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                List.of("EINVAL", "EIO", "EIO", "EIO", "OK"),
                512,
                512);
        f = new TargetFacts(
                f.logicalBlockSize(),
                f.physicalBlockSize(),
                f.dmaAlignment(),
                f.statx(),
                f.requestProbes(),
                f.bufferProbes(),
                512,
                512,
                null,
                new ProbeRead(512, 512, "EIO"),
                null,
                null,
                null,
                null);
        RuleOutcome outcome = evaluate(new QemuAlignmentProbeRule(), f, null);
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason())
                .isEqualTo(
                        "QEMU concludes request alignment 512 and buffer alignment 512"
                                + " (only EINVAL counts as misaligned, so it took reads failing otherwise for aligned: 4096@+512 EIO,"
                                + " 4096@+1024 EIO, 4096@+2048 EIO), but a pread of 512 bytes into a buffer at +512 failed with EIO");
        assertThat(evaluate(new DioAlignmentHonestRule(), f, null).status())
                .as("the EIO is qemu-alignment-probe's fact, not reported twice")
                .isEqualTo(RuleStatus.NotApplicable);
        assertThat(RuleSet.all()
                        .judge(new Measurement(Target.device("dm-0"), "/dev/dm-0", null, "dm-0", f, null))
                        .rules())
                .filteredOn(o -> o.status() == RuleStatus.Fail)
                .extracting(RuleOutcome::rule)
                .containsExactly("qemu-alignment-probe");
    }

    @Test
    void eioOnAReadStatxRejectsIsNotADishonestStatx() {
        // 64K-page kernels 6.18 until 9b0c3673c885: a misaligned bvec gives EIO, yet the kernel
        // accepts what QEMU finally reads (4096 at +4096): QEMU is not misled, nothing fails.
        TargetFacts f = facts(
                new StatxDioAlign(512, 4096, null),
                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                List.of("EIO", "EIO", "EIO", "EIO", "OK"),
                4096,
                4096);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, null).status()).isEqualTo(RuleStatus.Fail);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, null).reason())
                .isEqualTo("pread of 4096 bytes at buffer +512 meets statx 512/4096 but failed with EIO;"
                        + " pread of 4096 bytes at buffer +1024 meets statx 512/4096 but failed with EIO;"
                        + " pread of 4096 bytes at buffer +2048 meets statx 512/4096 but failed with EIO");
        TargetFacts honest = facts(
                new StatxDioAlign(4096, 4096, null),
                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                List.of("EIO", "EIO", "EIO", "EIO", "OK"),
                4096,
                4096);
        assertThat(evaluate(new DioAlignmentHonestRule(), honest, null).status())
                .isEqualTo(RuleStatus.Pass);
        assertThat(evaluate(new QemuAlignmentProbeRule(), honest, null).status())
                .as("QEMU took +1 for aligned and fell back to 4096, which works")
                .isEqualTo(RuleStatus.Pass);
    }

    @Test
    void readsAreHeldToStatxReadAlignmentWhereReported() {
        // xfs copy-on-write file on a 512-byte-sector disk: reads need 512, writes 4096.
        TargetFacts f = facts(
                new StatxDioAlign(512, 4096, 512),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                512,
                512);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, "xfs").reason())
                .isEqualTo(
                        "every read meeting statx mem/offset alignment 512/512 succeeded and every other one failed");
    }

    @Test
    void readsThatViolateStatxButSucceedAreNotHonest() {
        TargetFacts f = facts(
                new StatxDioAlign(512, 4096, null),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                512,
                512);
        RuleOutcome outcome = evaluate(new DioAlignmentHonestRule(), f, "ext4");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason()).contains("pread of 512 bytes at buffer +0 violates statx 512/4096 but succeeded");
    }

    @Test
    void readsThatMeetStatxButFailAreNotHonest() {
        TargetFacts f = facts(
                new StatxDioAlign(512, 512, null),
                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                4096,
                512);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, null).reason())
                .contains("pread of 512 bytes at buffer +0 meets statx 512/512 but failed with EINVAL");
    }

    @Test
    void btrfsServingODirectFromThePageCacheIsCaught() {
        TargetFacts f =
                facts(null, List.of("OK", "OK", "OK", "OK", "OK"), List.of("OK", "OK", "OK", "OK", "OK"), 4096, 4096);
        RuleOutcome outcome = evaluate(new DioNotBufferedRule(), f, "btrfs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason())
                .isEqualTo("a 1-byte read and a 4096-byte read into a buffer at +1 succeeded"
                        + " with O_DIRECT: reads are served from the page cache");
        // Caught, and reported as information: qemu-io works on btrfs (kernel matrix), no VM fails.
        TargetResult judged =
                RuleSet.all().judge(new Measurement(Target.path("/var/lib"), "/var/lib/x", "btrfs", null, f, null));
        assertThat(judged.verdict()).isEqualTo(Verdict.Compatible);
        assertThat(judged.latentFindings())
                .singleElement()
                .asString()
                .startsWith("dio-not-buffered fails, but it breaks no QEMU");
    }

    @Test
    void imageSizeIsJudgedAgainstTheAlignmentQemuUsesThere() {
        TargetFacts f = facts(
                null,
                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                4096,
                512);
        ImageSizeAlignmentRule rule = new ImageSizeAlignmentRule();
        assertThat(evaluate(rule, f, null).status())
                .as("a device has no image size")
                .isEqualTo(RuleStatus.NotApplicable);
        assertThat(evaluate(rule, f.withImageBytes(8L << 20), "ext4").status()).isEqualTo(RuleStatus.Pass);
        assertThat(evaluate(rule, f.withImageBytes((8L << 20) + 4096 + 1), "xfs")
                        .reason())
                .isEqualTo("the image holds 8392705 bytes (8393216 in QEMU's 512-byte sectors), not a multiple of"
                        + " QEMU's request alignment 4096: QEMU refuses to open it writable with cache=none (\"Image"
                        + " size is not a multiple of request alignment\"); grow it to 8396800 bytes");
        // On NFS QEMU does not probe: alignment 1, every size is fine.
        assertThat(evaluate(rule, f.withImageBytes(12345L), "nfs").status()).isEqualTo(RuleStatus.Pass);
    }

    @Test
    void nfsByteAlignedDirectIoIsNotJudgedAsBuffered() {
        TargetFacts f =
                facts(null, List.of("OK", "OK", "OK", "OK", "OK"), List.of("OK", "OK", "OK", "OK", "OK"), 4096, 4096);
        assertThat(evaluate(new DioNotBufferedRule(), f, "nfs").status()).isEqualTo(RuleStatus.NotApplicable);
    }

    @Test
    void nfsIsJudgedAsQemuOpensItWithNoAlignmentWhateverStatxSays() {
        // An NFS client that reports STATX_DIOALIGN (mem 4, offset PAGE_SIZE; kernel-facts.md section 10)
        // while NFS O_DIRECT takes any alignment: every probe read succeeds.
        List<String> ok = List.of("OK", "OK", "OK", "OK", "OK");
        TargetFacts f = facts(new StatxDioAlign(4, 4096, 4096), ok, ok, 4096, 4096);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, "ext4").status())
                .as("on a block filesystem such a statx is wrong")
                .isEqualTo(RuleStatus.Fail);

        TargetResult nfs = RuleSet.all()
                .judge(new Measurement(Target.file("/mnt/nfs/disk.img"), "/mnt/nfs/disk.img", "nfs", null, f, null));
        assertThat(nfs.verdict()).as("every rule counting: %s", nfs.reason()).isEqualTo(Verdict.Compatible);
        assertThat(nfs.rules())
                .extracting(RuleOutcome::rule, RuleOutcome::status)
                .contains(
                        org.assertj.core.groups.Tuple.tuple(RuleCatalog.DIO_ALIGNMENT_HONEST, RuleStatus.NotApplicable),
                        org.assertj.core.groups.Tuple.tuple(RuleCatalog.QEMU_ALIGNMENT_PROBE, RuleStatus.Pass),
                        org.assertj.core.groups.Tuple.tuple(RuleCatalog.QEMU_LEGACY_DIO, RuleStatus.Pass),
                        org.assertj.core.groups.Tuple.tuple(RuleCatalog.DIO_WRITE_ALIGNMENT, RuleStatus.NotApplicable));
        assertThat(evaluate(new QemuAlignmentProbeRule(), f, "nfs").reason())
                .startsWith(
                        "QEMU opens files on NFS with no alignment (file-posix.c dio_byte_aligned: NFS_SUPER_MAGIC)");
    }

    @Test
    void nfsRefusingUnalignedReadsBreaksQemuThereBecauseQemuSendsThemUnaligned() {
        TargetFacts f = facts(
                null, List.of("EINVAL", "OK", "OK", "OK", "OK"), List.of("EINVAL", "OK", "OK", "OK", "OK"), 512, 512);
        RuleOutcome outcome = evaluate(new QemuAlignmentProbeRule(), f, "nfs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason())
                .endsWith("but a pread of 1 bytes into a buffer at +0 failed with EINVAL;"
                        + " a pread of 4096 bytes into a buffer at +1 failed with EINVAL");
        assertThat(evaluate(new QemuAlignmentProbeRule(), f, "ext4").status())
                .as("where QEMU probes, it settles on 512 and that works")
                .isEqualTo(RuleStatus.Pass);
    }

    @Test
    void problemsDecideBeforeRules() {
        Target t = Target.device("sdz");
        assertThat(RuleSet.all().judge(Measurement.error(t, null, "no such device: /dev/sdz")))
                .satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.Error);
                    assertThat(r.reason()).isEqualTo("no such device: /dev/sdz");
                    assertThat(r.rules()).isEmpty();
                });
    }

    @Test
    void btrfsBufferingWritesIsCaughtEvenWhereReadsAreDirect() {
        TargetFacts reads = facts(
                null, List.of("EINVAL", "OK", "OK", "OK", "OK"), List.of("EINVAL", "OK", "OK", "OK", "OK"), 512, 512);
        WriteProbe buffered =
                writes(null, List.of("OK", "OK", "OK", "OK", "OK", "OK"), List.of("OK", "OK", "OK", "OK", "OK"));
        RuleOutcome outcome = evaluate(new DioNotBufferedRule(), reads.withWriteProbes(buffered, buffered), "btrfs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason())
                .isEqualTo(
                        "a 1-byte write and a 4096-byte write from a buffer at +1 (to the"
                                + " scratch file and its reflinked clone) succeeded with O_DIRECT: writes go through the page cache");
        assertThat(evaluate(new DioNotBufferedRule(), reads.withWriteProbes(null, buffered), "btrfs")
                        .reason())
                .startsWith("a 1-byte write to the reflinked clone and a 4096-byte write from a buffer at +1 to the"
                        + " reflinked clone succeeded");
        WriteProbe direct = writes(
                null, List.of("EINVAL", "OK", "OK", "OK", "OK", "OK"), List.of("EINVAL", "OK", "OK", "OK", "OK"));
        assertThat(evaluate(new DioNotBufferedRule(), reads.withWriteProbes(direct, null), "ext4")
                        .reason())
                .isEqualTo("a 1-byte read and a read into a buffer at +1 were rejected (EINVAL);"
                        + " a 1-byte write and a write from a buffer at +1 were rejected (EINVAL)");
    }

    @Test
    void writesNeedingMoreThanQemusReadProbeFail() {
        // bcachefs with 4K blocks on a 512-byte-sector disk: reads of 512 work, writes need 4096.
        TargetFacts f = facts(
                        null,
                        List.of("EINVAL", "OK", "OK", "OK", "OK"),
                        List.of("EINVAL", "OK", "OK", "OK", "OK"),
                        512,
                        512)
                .withWriteProbes(
                        writes(
                                null,
                                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK", "OK"),
                                List.of("EINVAL", "OK", "OK", "OK", "OK")),
                        null);
        RuleOutcome outcome = evaluate(new DioWriteAlignmentRule(), f, "bcachefs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason())
                .isEqualTo("QEMU writes with read-probed request alignment 512 and buffer"
                        + " alignment 512, but scratch file: the smallest O_DIRECT write that succeeds is 4096 bytes"
                        + " (1 bytes EINVAL, 512 bytes EINVAL, 1024 bytes EINVAL, 2048 bytes EINVAL), more than QEMU's"
                        + " request alignment 512");
    }

    @Test
    void writesNeedingLargerBuffersFail() {
        TargetFacts f = facts(
                        null,
                        List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                        List.of("EINVAL", "OK", "OK", "OK", "OK"),
                        4096,
                        512)
                .withWriteProbes(
                        writes(
                                null,
                                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK", "OK"),
                                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK")),
                        null);
        assertThat(evaluate(new DioWriteAlignmentRule(), f, "ext4").reason())
                .endsWith("scratch file: 4096-byte"
                        + " O_DIRECT writes need a buffer at +4096 (+1 EINVAL, +512 EINVAL, +1024 EINVAL, +2048 EINVAL),"
                        + " more than QEMU's buffer alignment 512");
    }

    @Test
    void writesWithinQemusReadAlignmentPassAndABufferedFallbackBelowStatxIsSaid() {
        // xfs on a 512-byte-sector disk: the scratch file writes 512 directly; the reflinked clone's
        // statx says 4096, yet 512 succeeds because xfs bounces it through the page cache.
        TargetFacts f = facts(
                new StatxDioAlign(512, 512, 512),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                512,
                512);
        List<String> direct = List.of("EINVAL", "OK", "OK", "OK", "OK", "OK");
        List<String> buffers = List.of("EINVAL", "OK", "OK", "OK", "OK");
        f = f.withWriteProbes(
                writes(new StatxDioAlign(512, 512, 512), direct, buffers),
                writes(new StatxDioAlign(512, 4096, 512), direct, buffers));
        RuleOutcome outcome = evaluate(new DioWriteAlignmentRule(), f, "xfs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Pass);
        assertThat(outcome.reason())
                .isEqualTo("O_DIRECT writes need length/buffer alignment scratch file 512/512,"
                        + " reflinked clone 512/512 (a 512-byte write succeeded although statx says O_DIRECT writes need"
                        + " 4096: the filesystem served it through the page cache), within QEMU's read-probed request"
                        + " alignment 512 and buffer alignment 512");
    }

    @Test
    void withoutAWriteProbeStatxReadAlignmentDecides() {
        TargetFacts f = facts(
                new StatxDioAlign(512, 4096, 512),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                List.of("EINVAL", "OK", "OK", "OK", "OK"),
                512,
                512);
        RuleOutcome other = evaluate(new DioWriteAlignmentRule(), f, "somefs");
        assertThat(other.status()).isEqualTo(RuleStatus.Fail);
        assertThat(other.reason())
                .isEqualTo("statx says O_DIRECT writes need 4096 and reads 512; QEMU's read probe"
                        + " concluded request alignment 512: QEMU's 512-byte writes fail");
        RuleOutcome xfs = evaluate(new DioWriteAlignmentRule(), f, "xfs");
        assertThat(xfs.status()).as("xfs falls back to buffered writes instead").isEqualTo(RuleStatus.NotApplicable);
        assertThat(evaluate(
                                new DioWriteAlignmentRule(),
                                facts(
                                        new StatxDioAlign(512, 4096, 4096),
                                        List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                                        List.of("EINVAL", "OK", "OK", "OK", "OK"),
                                        4096,
                                        512),
                                "xfs")
                        .status())
                .isEqualTo(RuleStatus.Pass);
        assertThat(evaluate(
                                new DioWriteAlignmentRule(),
                                facts(
                                        new StatxDioAlign(512, 4096, null),
                                        List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"),
                                        List.of("EINVAL", "OK", "OK", "OK", "OK"),
                                        4096,
                                        512),
                                null)
                        .status())
                .isEqualTo(RuleStatus.NotApplicable);
    }

    @Test
    void ruleSetRunsTheCatalogsRulesInItsOrder() {
        assertThat(RuleSet.all().names()).isEqualTo(RuleCatalog.names());
    }

    @Test
    void unknownRuleIsRejectedByName() {
        assertThatThrownBy(() -> RuleSet.named(List.of("qemu-legacy-dio", "no-such-rule")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown rule 'no-such-rule' (known: qemu-legacy-dio, qemu-alignment-probe,"
                        + " dio-alignment-honest, dio-not-buffered, dio-write-alignment, image-size-alignment)");
    }

    @Test
    void nodeVerdictIsTheWorstTargetVerdict() {
        assertThat(Verdict.Compatible.worst(Verdict.Unsupported)).isEqualTo(Verdict.Unsupported);
        assertThat(Verdict.Error.worst(Verdict.Affected)).isEqualTo(Verdict.Affected);
        assertThat(Verdict.Affected.worst(Verdict.Error)).isEqualTo(Verdict.Affected);
    }
}
