package io.storageprobe.api.qemu;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns rule outcomes into a verdict for one QEMU. The outcomes are facts about the storage and
 * do not depend on QEMU; whether a failure matters does. The agent judges with the QEMU it was
 * given, and the operator judges every result again with the QEMU in force now, so that upgrading
 * KubeVirt turns nodes Compatible without a new probe.
 */
public final class QemuJudgement {
    private QemuJudgement() {}

    /** The node's targets judged for {@code qemu}, the node verdict their worst. */
    public static NodeResult judge(NodeResult node, QemuInForce qemu) {
        List<TargetResult> targets = node.targets() == null
                ? List.of()
                : node.targets().stream().map(t -> judge(t, qemu)).toList();
        Verdict verdict = targets.stream()
                .map(TargetResult::verdict)
                .filter(v -> v != null)
                .reduce(Verdict.Compatible, Verdict::worst);
        return new NodeResult(
                node.probe(),
                node.node(),
                node.kernelRelease(),
                node.bootId(),
                node.osImage(),
                node.probeTime(),
                node.agentVersion(),
                node.targets() == null ? null : targets,
                node.verdict() == null ? null : verdict,
                qemu);
    }

    /**
     * Affected when a failing rule breaks {@code qemu}; Compatible otherwise. Targets without rule
     * outcomes (Unsupported, Error) keep their verdict: there is nothing to judge.
     */
    public static TargetResult judge(TargetResult t, QemuInForce qemu) {
        if (t.verdict() != Verdict.Compatible && t.verdict() != Verdict.Affected) {
            return t;
        }
        QemuVersion version = QemuVersion.inForce(qemu);
        List<String> failures = new ArrayList<>();
        List<String> latent = new ArrayList<>();
        for (RuleOutcome o : t.rules() == null ? List.<RuleOutcome>of() : t.rules()) {
            if (o.status() != RuleStatus.Fail) {
                continue;
            }
            if (RuleCatalog.breaks(o.rule(), version)) {
                failures.add(o.rule() + ": " + o.reason());
            } else {
                latent.add(o.rule() + " fails, but "
                        + RuleCatalog.find(o.rule()).orElseThrow().latentBecause(qemu == null ? null : qemu.version())
                        + ": " + o.reason());
            }
        }
        return t.judged(
                failures.isEmpty() ? Verdict.Compatible : Verdict.Affected,
                failures.isEmpty() ? null : String.join("; ", failures),
                latent.isEmpty() ? null : latent);
    }
}
