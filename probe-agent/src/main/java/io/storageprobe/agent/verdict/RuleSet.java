package io.storageprobe.agent.verdict;

import io.storageprobe.agent.localqemu.LocalQemuIo;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.NodeMeasurement;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules selected for a run, and the verdicts they give: the one place in the agent where
 * measurements become verdicts, judged for the QEMU in force ({@link #judge(NodeMeasurement, QemuInForce)}).
 */
public final class RuleSet {
    /** In {@link io.storageprobe.api.qemu.RuleCatalog}'s order, which a test pins. */
    private static final List<Rule> BUILT_IN = List.of(
            new QemuLegacyDioRule(),
            new QemuAlignmentProbeRule(),
            new DioAlignmentHonestRule(),
            new DioNotBufferedRule(),
            new DioWriteAlignmentRule(),
            new ImageSizeAlignmentRule());

    private final List<Rule> rules;

    private RuleSet(List<Rule> rules) {
        this.rules = rules;
    }

    public static RuleSet all() {
        return new RuleSet(BUILT_IN);
    }

    /** The named rules in the order given; none means all. Throws naming the first unknown rule. */
    public static RuleSet named(List<String> names) {
        if (names == null || names.isEmpty()) {
            return all();
        }
        Map<String, Rule> byName = new LinkedHashMap<>();
        BUILT_IN.forEach(r -> byName.put(r.name(), r));
        return new RuleSet(names.stream()
                .distinct()
                .map(n -> {
                    Rule rule = byName.get(n);
                    if (rule == null) {
                        throw new IllegalArgumentException(
                                "unknown rule '" + n + "' (known: " + String.join(", ", byName.keySet()) + ")");
                    }
                    return rule;
                })
                .toList());
    }

    public List<String> names() {
        return rules.stream().map(Rule::name).toList();
    }

    /**
     * design.md section 3: Error if probing failed, Unsupported if O_DIRECT cannot be used,
     * Affected if a selected rule fails, else Compatible. Every failure counts here, as for an
     * unknown QEMU; {@link #judge(NodeMeasurement, QemuInForce)} judges the outcomes again for the
     * QEMU in force.
     */
    public TargetResult judge(Measurement m) {
        // Unsupported needs no facts (a device too small to read, a filesystem refusing O_DIRECT at open).
        boolean unsupported = m.problem() != null && m.problem().kind() == Measurement.Problem.Kind.UNSUPPORTED;
        if (!unsupported && (m.facts() == null || m.problem() != null)) {
            return result(
                    m,
                    List.of(),
                    Verdict.Error,
                    m.problem() == null ? "not probed" : m.problem().reason());
        }
        if (m.problem() != null) {
            return result(m, List.of(), Verdict.Unsupported, m.problem().reason());
        }
        List<RuleOutcome> outcomes =
                rules.stream().map(r -> r.evaluate(m.facts(), m.filesystem())).toList();
        // Judged for an unknown QEMU here (every failure counts): a target's verdict without a node around it.
        return QemuJudgement.judge(result(m, outcomes, Verdict.Compatible, null), null);
    }

    /**
     * A node's measurements judged by these rules for {@code qemu} (null: unknown, every failure
     * counts); where the local QEMU's version could be wrong, its qemu-io decides ({@link LocalQemuIo}).
     */
    public NodeResult judge(NodeMeasurement node, QemuInForce qemu) {
        List<TargetResult> targets = node.targets().stream().map(this::judge).toList();
        Verdict verdict = targets.stream().map(TargetResult::verdict).reduce(Verdict.Compatible, Verdict::worst);
        return LocalQemuIo.judge(
                new NodeResult(
                        node.probe(),
                        node.node(),
                        node.kernelRelease(),
                        node.bootId(),
                        node.osImage(),
                        node.probeTime(),
                        node.agentVersion(),
                        targets,
                        verdict,
                        null),
                qemu);
    }

    private static TargetResult result(Measurement m, List<RuleOutcome> outcomes, Verdict verdict, String reason) {
        return new TargetResult(
                m.target().kind(),
                m.target().name(),
                m.path(),
                m.filesystem(),
                m.device(),
                m.facts(),
                outcomes,
                verdict,
                reason,
                null,
                m.target().persistentVolume());
    }
}
