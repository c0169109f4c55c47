package io.storageprobe.agent.localqemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local QEMU's qemu-io (Debian 12's, 7.2, from test-tools.txt) asked on a real 4K loop
 * device. This host's kernel (6.18) accepts the split vector itself, so whether a kernel rejects
 * it is given here as the rule outcome the agent measures on 6.0-6.17; the kernel matrix shows
 * the real rejection with QEMU 5.2's qemu-io.
 */
class LocalQemuIoTest {
    private static final Path QEMU_IO = LocalQemu.onPath("qemu-io");
    private static final RuleOutcome LEGACY_FAILS = new RuleOutcome(
            RuleCatalog.QEMU_LEGACY_DIO,
            RuleStatus.Fail,
            "buffer alignment 512 < request alignment 4096 and preadv {512@0xc00, 3584@0x200} failed with EINVAL");

    private static NodeResult measured(String device) {
        TargetResult disk = new TargetResult(
                TargetKind.DEVICE,
                device,
                device,
                null,
                null,
                null,
                List.of(LEGACY_FAILS),
                Verdict.Affected,
                null,
                null,
                null);
        return new NodeResult("check", "n", "6.1.0", null, null, null, null, List.of(disk), Verdict.Affected, null);
    }

    private static QemuInForce local(String version) {
        return new QemuInForce(version, QemuInForce.LOCAL, "/usr/bin/qemu-img --version: qemu-img version " + version);
    }

    @Test
    void aQemuIoThatBouncesTheSplitReadIsJudgedAsTheFixedRelease() throws Exception {
        assertThat(QEMU_IO).as("qemu-io (qemu-utils) is installed by run-tests").isNotNull();
        try (LoopDevice loop = LoopDevice.create(4096)) {
            // A version string that says "affected", as Ubuntu 22.04's 6.2 does despite its backport.
            NodeResult judged = LocalQemuIo.judge(measured(loop.device()), local("6.2"), QEMU_IO);
            assertThat(judged.qemu().version()).isEqualTo("7.2");
            assertThat(judged.qemu().message())
                    .startsWith("/usr/bin/qemu-img --version: qemu-img version 6.2; but ")
                    .contains("-t none -r -c 'readv 0 512 3584' " + loop.device() + " succeeded");
            assertThat(judged.verdict()).isEqualTo(Verdict.Compatible);
            assertThat(judged.targets().get(0).latentFindings())
                    .singleElement()
                    .asString()
                    .startsWith("qemu-legacy-dio fails, but QEMU 7.2 is not affected");
        }
    }

    @Test
    void qemuIoIsOnlyAskedWhereTheVersionCouldBeWrong() {
        NodeResult measured = measured("/dev/nonexistent");
        for (QemuInForce qemu : List.of(
                local("10.0"),
                new QemuInForce("5.2", QemuInForce.FLAG, "--qemu 5.2"),
                QemuInForce.unknown("no qemu-img"))) {
            NodeResult judged = LocalQemuIo.judge(measured, qemu, QEMU_IO);
            assertThat(judged.qemu()).as(qemu.message()).isEqualTo(qemu);
        }
        assertThat(LocalQemuIo.judge(measured, local("5.2"), null).qemu())
                .as("no qemu-io installed")
                .isEqualTo(local("5.2"));
    }

    @Test
    void aQemuIoThatCannotAnswerLeavesTheVersionToDecide() {
        NodeResult judged = LocalQemuIo.judge(measured("/dev/nonexistent"), local("5.2"), QEMU_IO);
        assertThat(judged.qemu().version()).isEqualTo("5.2");
        assertThat(judged.qemu().message()).contains("gave no answer").contains("the version decides");
        assertThat(judged.verdict()).isEqualTo(Verdict.Affected);
    }
}
