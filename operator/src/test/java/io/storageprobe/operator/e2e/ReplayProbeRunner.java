package io.storageprobe.operator.e2e;

import io.storageprobe.agent.daemon.ProbeRunner;
import io.storageprobe.agent.daemon.ProbeSettings;
import io.storageprobe.agent.fixture.KernelMatrixFixture;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Replays the facts measured on a real kernel (shared/fixtures/kernel-matrix-4k.txt, taken
 * under QEMU on a 4K-sector virtio disk) through the real rules. This host's kernel is fixed and
 * not affected, so an Affected node in these tests is such a replay: the facts are real, the
 * node is simulated.
 */
final class ReplayProbeRunner implements ProbeRunner {
    private volatile String kernel;

    ReplayProbeRunner(String kernel) {
        this.kernel = kernel;
    }

    /** The node "boots" another kernel: its next probe replays that kernel's facts. */
    void boot(String kernel) {
        this.kernel = kernel;
    }

    @Override
    public NodeResult run(String probe, String node, ProbeSettings settings) {
        String kernel = this.kernel;
        List<KernelMatrixFixture.MeasuredTarget> measured =
                KernelMatrixFixture.load().get(kernel);
        if (measured == null) {
            throw new IllegalStateException("no facts for kernel " + kernel + " in the fixture");
        }
        RuleSet rules = RuleSet.named(settings.rules());
        List<TargetResult> results = measured.stream()
                .filter(m -> m.target().equals("raw"))
                .map(m -> rules.judge(new Measurement(Target.device("vda"), "/dev/vda", null, "vda", m.facts(), null)))
                .toList();
        Verdict verdict = results.stream().map(TargetResult::verdict).reduce(Verdict.Compatible, Verdict::worst);
        // Judged for the QEMU in force, as EngineProbeRunner does.
        return QemuJudgement.judge(
                new NodeResult(
                        probe,
                        node,
                        kernel,
                        "replayed-boot-" + kernel,
                        "Debian GNU/Linux (replayed)",
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        "replay",
                        results,
                        verdict,
                        null),
                settings.qemu());
    }
}
