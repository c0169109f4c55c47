package io.storageprobe.api.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which failures count is a function of the rule's QEMU range and the QEMU in force. */
class QemuJudgementTest {
    private static final RuleOutcome LEGACY_FAILS = new RuleOutcome(
            RuleCatalog.QEMU_LEGACY_DIO,
            RuleStatus.Fail,
            "buffer alignment 512 < request alignment 4096 and preadv {512@0xc00, 3584@0x200} failed with EINVAL");
    private static final RuleOutcome HONEST_PASSES =
            new RuleOutcome(RuleCatalog.DIO_ALIGNMENT_HONEST, RuleStatus.Pass, "ok");
    private static final RuleOutcome PROBE_FAILS =
            new RuleOutcome(RuleCatalog.QEMU_ALIGNMENT_PROBE, RuleStatus.Fail, "EIO");

    @Test
    void theLegacyFailureBreaksQemuBefore72Only() {
        assertThat(judge(qemu("5.2"), LEGACY_FAILS, HONEST_PASSES).verdict()).isEqualTo(Verdict.Affected);
        assertThat(judge(qemu("7.1.5"), LEGACY_FAILS, HONEST_PASSES).verdict()).isEqualTo(Verdict.Affected);
        TargetResult fixed = judge(qemu("7.2"), LEGACY_FAILS, HONEST_PASSES);
        assertThat(fixed.verdict()).isEqualTo(Verdict.Compatible);
        assertThat(fixed.reason()).isNull();
        assertThat(fixed.latentFindings())
                .singleElement()
                .asString()
                .startsWith("qemu-legacy-dio fails, but QEMU 7.2 is not affected (fixed in 7.2): buffer alignment 512");
        assertThat(judge(qemu("10.1"), LEGACY_FAILS, HONEST_PASSES).verdict()).isEqualTo(Verdict.Compatible);
    }

    @Test
    void anUnknownQemuCountsEveryRule() {
        TargetResult unknown = judge(QemuInForce.unknown("no KubeVirt"), LEGACY_FAILS);
        assertThat(unknown.verdict()).isEqualTo(Verdict.Affected);
        assertThat(unknown.reason()).startsWith("qemu-legacy-dio: buffer alignment 512");
        assertThat(unknown.latentFindings()).isNull();
        assertThat(judge(null, LEGACY_FAILS).verdict()).isEqualTo(Verdict.Affected);
    }

    @Test
    void failuresThatBreakEveryQemuCountWhateverTheVersion() {
        TargetResult t = judge(qemu("11.0"), LEGACY_FAILS, PROBE_FAILS);
        assertThat(t.verdict()).isEqualTo(Verdict.Affected);
        assertThat(t.reason()).isEqualTo("qemu-alignment-probe: EIO");
        assertThat(t.latentFindings()).hasSize(1);
    }

    @Test
    void aStatxThatLiesBreaksNoQemuSinceQemuNeverAsksIt() {
        RuleOutcome lies = new RuleOutcome(RuleCatalog.DIO_ALIGNMENT_HONEST, RuleStatus.Fail, "a 512-byte read failed");
        TargetResult t = judge(QemuInForce.unknown("no KubeVirt"), lies);
        assertThat(t.verdict()).isEqualTo(Verdict.Compatible);
        assertThat(t.latentFindings())
                .singleElement()
                .asString()
                .startsWith("dio-alignment-honest fails, but it breaks no QEMU");
    }

    @Test
    void anInformationalRuleIsLatentEvenForAnUnknownQemu() {
        // btrfs: O_DIRECT falls back to the page cache, and qemu-io of every QEMU works there.
        RuleOutcome buffered =
                new RuleOutcome(RuleCatalog.DIO_NOT_BUFFERED, RuleStatus.Fail, "a 1-byte read succeeded");
        for (QemuInForce qemu : new QemuInForce[] {null, QemuInForce.unknown("no KubeVirt"), qemu("5.2")}) {
            TargetResult t = judge(qemu, buffered);
            assertThat(t.verdict()).isEqualTo(Verdict.Compatible);
            assertThat(t.latentFindings())
                    .singleElement()
                    .asString()
                    .isEqualTo(
                            "dio-not-buffered fails, but it breaks no QEMU (informational: VMs with cache=none run here): a 1-byte read succeeded");
        }
    }

    @Test
    void aRuleThisBuildDoesNotKnowCounts() {
        RuleOutcome future = new RuleOutcome("some-future-rule", RuleStatus.Fail, "why");
        assertThat(judge(qemu("11.0"), future).verdict()).isEqualTo(Verdict.Affected);
    }

    @Test
    void targetsWithoutRulesKeepTheirVerdictAndTheNodeTakesTheWorst() {
        TargetResult unsupported = new TargetResult(
                TargetKind.PATH,
                "/dev/shm",
                null,
                "tmpfs",
                null,
                null,
                List.of(),
                Verdict.Unsupported,
                "tmpfs has no direct I/O",
                null,
                null);
        NodeResult node = new NodeResult(
                "p",
                "n",
                "6.1.0",
                null,
                null,
                null,
                null,
                List.of(target(Verdict.Affected, LEGACY_FAILS), unsupported),
                Verdict.Affected,
                null);
        NodeResult judged = QemuJudgement.judge(node, qemu("9.1.0"));
        assertThat(judged.verdict()).isEqualTo(Verdict.Unsupported);
        assertThat(judged.targets().get(1)).isEqualTo(unsupported);
        assertThat(judged.qemu().version()).isEqualTo("9.1.0");
        assertThat(QemuJudgement.judge(judged, qemu("5.2")).verdict()).isEqualTo(Verdict.Affected);
    }

    @Test
    void judgingKeepsTheVolumesPersistentVolume() {
        TargetResult volume = new TargetResult(
                TargetKind.VOLUME,
                "/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pv-1/mount",
                null,
                "ext4",
                null,
                null,
                List.of(LEGACY_FAILS),
                Verdict.Compatible,
                null,
                null,
                "pv-1");
        TargetResult judged = QemuJudgement.judge(volume, qemu("5.2"));
        assertThat(judged.verdict()).isEqualTo(Verdict.Affected);
        assertThat(judged.persistentVolume()).isEqualTo("pv-1");
    }

    private static TargetResult judge(QemuInForce qemu, RuleOutcome... outcomes) {
        return QemuJudgement.judge(target(Verdict.Compatible, outcomes), qemu);
    }

    private static TargetResult target(Verdict verdict, RuleOutcome... outcomes) {
        return new TargetResult(
                TargetKind.DEVICE, "vda", "/dev/vda", null, "vda", null, List.of(outcomes), verdict, null, null, null);
    }

    private static QemuInForce qemu(String version) {
        return new QemuInForce(version, QemuInForce.FLAG, "--qemu " + version);
    }
}
