package io.storageprobe.agent.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.fixture.KernelMatrixFixture;
import io.storageprobe.agent.fixture.KernelMatrixFixture.MeasuredTarget;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules on facts measured on real Debian kernels with a 4096-byte-sector disk. */
class KernelMatrixRulesTest {
    private static final Map<String, List<MeasuredTarget>> MATRIX = KernelMatrixFixture.load();

    private static List<TargetResult> judged(String kernelPrefix) {
        List<MeasuredTarget> targets = MATRIX.entrySet().stream()
                .filter(e -> e.getKey().startsWith(kernelPrefix))
                .flatMap(e -> e.getValue().stream())
                .toList();
        assertThat(targets).as("fixture rows for kernel " + kernelPrefix).isNotEmpty();
        return targets.stream()
                .map(t -> RuleSet.all()
                        .judge(new Measurement(
                                Target.file(t.target()),
                                t.target(),
                                t.target().equals("raw") ? null : "ext4",
                                "vda",
                                t.facts(),
                                null)))
                .toList();
    }

    private static RuleOutcome rule(TargetResult result, String name) {
        return result.rules().stream()
                .filter(r -> r.rule().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void fixtureHoldsTheFiveKernelLines() {
        assertThat(MATRIX).hasSize(6);
        assertThat(MATRIX.values()).allSatisfy(targets -> assertThat(targets).hasSize(2));
    }

    @Test
    void linux510IsCompatibleBecauseBuffersMustBeFullyAligned() {
        assertThat(judged("5.10.")).allSatisfy(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
            assertThat(r.facts().probedBufferAlignment()).isEqualTo(4096);
            assertThat(rule(r, "qemu-legacy-dio").reason()).contains("buffer alignment 4096 >= request alignment 4096");
            assertThat(rule(r, "dio-alignment-honest").status()).isEqualTo(RuleStatus.NotApplicable);
            assertThat(rule(r, "dio-alignment-honest").reason()).contains("does not report STATX_DIOALIGN");
        });
    }

    @Test
    void linux61IsAffected() {
        assertThat(judged("6.1.")).allSatisfy(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.Affected);
            assertThat(rule(r, "qemu-legacy-dio").status()).isEqualTo(RuleStatus.Fail);
            assertThat(rule(r, "qemu-legacy-dio").reason())
                    .isEqualTo("buffer alignment 512 < request alignment 4096"
                            + " and preadv {512@0xc00, 3584@0x200} failed with EINVAL");
            assertThat(rule(r, "dio-alignment-honest").status()).isEqualTo(RuleStatus.Pass);
            assertThat(rule(r, "dio-not-buffered").status()).isEqualTo(RuleStatus.Pass);
        });
    }

    @Test
    void linux612IsAffectedOnBothDebianBuilds() {
        List<TargetResult> results = judged("6.12.");
        assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.Affected));
    }

    @Test
    void linux73AndLinux618AreCompatibleBecauseTheSplitReadSucceeds() {
        for (String kernel : List.of("7.3.", "6.18.")) {
            assertThat(judged(kernel)).allSatisfy(r -> {
                assertThat(r.verdict()).isEqualTo(Verdict.Compatible);
                assertThat(rule(r, "qemu-legacy-dio").reason()).endsWith("{512@0xc00, 3584@0x200} succeeded");
            });
        }
    }

    @Test
    void qemusConcludedAlignmentsWorkOnEveryKernelAndNoWriteSideIsKnown() {
        for (String kernel : List.of("5.10.", "6.1.", "6.12.", "7.3.", "6.18.")) {
            assertThat(judged(kernel)).allSatisfy(r -> {
                RuleOutcome probe = rule(r, "qemu-alignment-probe");
                assertThat(probe.status()).as(kernel).isEqualTo(RuleStatus.Pass);
                assertThat(probe.reason())
                        .isEqualTo("QEMU concludes request alignment 4096 and buffer alignment "
                                + r.facts().probedBufferAlignment() + ", and a pread of 4096 bytes into a buffer at +"
                                + r.facts().probedBufferAlignment() + " succeeded");
                assertThat(rule(r, "dio-write-alignment").status())
                        .as("files and devices get no write probe, and these kernels report no read alignment")
                        .isEqualTo(RuleStatus.NotApplicable);
            });
        }
    }

    @Test
    void onlyTheSelectedRulesDecide() {
        MeasuredTarget affected = MATRIX.get("6.1.0-50-amd64").get(0);
        TargetResult result = RuleSet.named(List.of("dio-not-buffered"))
                .judge(new Measurement(Target.device("vda"), "/dev/vda", null, "vda", affected.facts(), null));
        assertThat(result.verdict()).isEqualTo(Verdict.Compatible);
        assertThat(result.rules()).extracting(RuleOutcome::rule).containsExactly("dio-not-buffered");
    }
}
