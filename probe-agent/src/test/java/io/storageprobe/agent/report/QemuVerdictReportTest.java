package io.storageprobe.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.fixture.KernelMatrixFixture;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code check --qemu} prints for the 4K disk of Debian's 6.1 kernel (facts measured in a
 * real guest): QEMU 5.2 is Affected; QEMU 7.2 is Compatible and still shows the finding.
 */
class QemuVerdictReportTest {
    private static NodeResult debian61(String qemu) {
        List<TargetResult> targets = KernelMatrixFixture.load().get("6.1.0-50-amd64").stream()
                .filter(t -> t.target().equals("raw"))
                .map(t -> RuleSet.all()
                        .judge(new Measurement(Target.device("vda"), "/dev/vda", null, "vda", t.facts(), null)))
                .toList();
        NodeResult measured = new NodeResult(
                "check", "guest", "6.1.0-50-amd64", null, null, null, null, targets, Verdict.Affected, null);
        return QemuJudgement.judge(measured, new QemuInForce(qemu, QemuInForce.FLAG, "--qemu " + qemu));
    }

    @Test
    void qemu52IsAffectedByTheSplitVector() {
        String table = TableReport.render(debian61("5.2"));
        assertThat(table)
                .contains("Judged for QEMU 5.2 (Flag: --qemu 5.2)\n")
                .contains(
                        "    qemu-legacy-dio: buffer alignment 512 < request alignment 4096 and preadv {512@0xc00, 3584@0x200} failed with EINVAL\n")
                .contains("Node verdict: Affected (1 target: 1 Affected)\n")
                .doesNotContain("latent");
    }

    @Test
    void qemu72IsCompatibleAndTheFindingStaysVisible() {
        NodeResult result = debian61("7.2");
        assertThat(result.verdict()).isEqualTo(Verdict.Compatible);
        String table = TableReport.render(result);
        assertThat(table)
                .contains("Judged for QEMU 7.2 (Flag: --qemu 7.2)\n")
                .contains(
                        "    latent: qemu-legacy-dio fails, but QEMU 7.2 is not affected (fixed in 7.2): buffer alignment 512"
                                + " < request alignment 4096 and preadv {512@0xc00, 3584@0x200} failed with EINVAL\n")
                .contains("Node verdict: Compatible (1 target: 1 Compatible; 1 with latent findings)\n");
        assertThat(JsonReport.render(result))
                .contains("\"latentFindings\" : [ \"qemu-legacy-dio fails, but QEMU 7.2 is not affected");
    }
}
