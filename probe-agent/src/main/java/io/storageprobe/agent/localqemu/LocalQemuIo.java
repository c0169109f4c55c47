package io.storageprobe.agent.localqemu;

import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetResult;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local QEMU's own answer where its version string can be wrong. Distributions backport the
 * 7.2 fix (25474d90aa50) to older QEMUs (Ubuntu 22.04's 6.2, Launchpad #2025586), so "qemu-img
 * 6.2" may or may not split a guest's request. Where a target fails qemu-legacy-dio and the local
 * QEMU's version says it is affected, its qemu-io is asked: a read-only, cache=none
 * {@code readv 0 512 3584}, the guest request that QEMU before 7.2 passes to the kernel as a split
 * vector (kernel-matrix/README.md, "The judge"). EINVAL confirms the version; success means this
 * QEMU bounces such requests as 7.2 does, and the node is judged as for 7.2. Nothing is written.
 */
public final class LocalQemuIo {
    static final String REQUEST = "readv 0 512 3584";
    private static final long WAIT_SECONDS = 10;

    private LocalQemuIo() {}

    /** {@code measured} judged for {@code qemu}, or for what the local qemu-io shows it does. */
    public static NodeResult judge(NodeResult measured, QemuInForce qemu) {
        // PATH is searched only where the answer could change the verdict.
        return judge(measured, qemu, versionCouldBeWrong(qemu) ? LocalQemu.onPath("qemu-io") : null);
    }

    private static boolean versionCouldBeWrong(QemuInForce qemu) {
        QemuVersion version = QemuVersion.inForce(qemu);
        return version != null
                && QemuInForce.LOCAL.equals(qemu.source())
                && RuleCatalog.breaks(RuleCatalog.QEMU_LEGACY_DIO, version);
    }

    /** As {@link #judge(NodeResult, QemuInForce)}, with this qemu-io (null: none installed). */
    static NodeResult judge(NodeResult measured, QemuInForce qemu, Path qemuIo) {
        NodeResult judged = QemuJudgement.judge(measured, qemu);
        if (qemuIo == null || !versionCouldBeWrong(qemu)) {
            return judged;
        }
        Optional<TargetResult> witness =
                judged.targets().stream().filter(LocalQemuIo::failsLegacyDio).findFirst();
        if (witness.isEmpty()) {
            return judged;
        }
        String path = witness.get().path();
        String answer = ShortCommand.output(
                WAIT_SECONDS, qemuIo.toString(), "-f", "raw", "-t", "none", "-r", "-c", REQUEST, path);
        String what = qemuIo + " -t none -r -c '" + REQUEST + "' " + path;
        if (answer.contains("read 4096/4096 bytes")) {
            String fixedIn = RuleCatalog.find(RuleCatalog.QEMU_LEGACY_DIO)
                    .orElseThrow()
                    .fixedIn()
                    .toString();
            return QemuJudgement.judge(
                    measured,
                    new QemuInForce(
                            fixedIn,
                            QemuInForce.LOCAL,
                            qemu.message()
                                    + "; but " + what
                                    + " succeeded where the kernel rejects the split vector: this QEMU bounces"
                                    + " such requests as " + fixedIn + " does (a backport of 25474d90aa50), judged as "
                                    + fixedIn));
        }
        String outcome = answer.contains("Invalid argument")
                ? "failed with EINVAL, as the version says"
                : "gave no answer (" + ShortCommand.firstLine(answer) + "), the version decides";
        return QemuJudgement.judge(
                measured, new QemuInForce(qemu.version(), qemu.source(), qemu.message() + "; " + what + " " + outcome));
    }

    private static boolean failsLegacyDio(TargetResult t) {
        return t.path() != null
                && t.rules() != null
                && t.rules().stream()
                        .anyMatch(o -> o.rule().equals(RuleCatalog.QEMU_LEGACY_DIO) && o.status() == RuleStatus.Fail);
    }
}
