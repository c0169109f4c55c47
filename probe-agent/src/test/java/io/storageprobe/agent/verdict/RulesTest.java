package io.storageprobe.agent.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storageprobe.agent.probe.Measurement;
import io.storageprobe.agent.probe.Target;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.Verdict;
import java.util.List;
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
        return new TargetFacts(4096, 4096, 512, statx, requestReads, bufferReads, req, buf, null);
    }

    private static RuleOutcome evaluate(Rule rule, TargetFacts facts, String fs) {
        return rule.evaluate(facts, fs);
    }

    @Test
    void dmCryptAnsweringEioIsNotHonest() {
        // dm-crypt on 4K: misaligned reads fail with EIO, so QEMU's probe takes them for aligned.
        TargetFacts f = facts(new StatxDioAlign(512, 4096, null),
                List.of("EIO", "EIO", "EIO", "EIO", "OK"), List.of("EIO", "OK", "OK", "OK", "OK"), 4096, 4096);
        RuleOutcome outcome = evaluate(new DioAlignmentHonestRule(), f, null);
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason()).contains("pread of 1 bytes at buffer +0 failed with EIO, not EINVAL");
    }

    @Test
    void readsThatViolateStatxButSucceedAreNotHonest() {
        TargetFacts f = facts(new StatxDioAlign(512, 4096, null),
                List.of("EINVAL", "OK", "OK", "OK", "OK"), List.of("EINVAL", "OK", "OK", "OK", "OK"), 512, 512);
        RuleOutcome outcome = evaluate(new DioAlignmentHonestRule(), f, "ext4");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason()).contains("pread of 512 bytes at buffer +0 violates statx 512/4096 but succeeded");
    }

    @Test
    void readsThatMeetStatxButFailAreNotHonest() {
        TargetFacts f = facts(new StatxDioAlign(512, 512, null),
                List.of("EINVAL", "EINVAL", "EINVAL", "EINVAL", "OK"), List.of("EINVAL", "OK", "OK", "OK", "OK"),
                4096, 512);
        assertThat(evaluate(new DioAlignmentHonestRule(), f, null).reason())
                .contains("pread of 512 bytes at buffer +0 meets statx 512/512 but failed with EINVAL");
    }

    @Test
    void btrfsServingODirectFromThePageCacheIsCaught() {
        TargetFacts f = facts(null, List.of("OK", "OK", "OK", "OK", "OK"), List.of("OK", "OK", "OK", "OK", "OK"),
                4096, 4096);
        RuleOutcome outcome = evaluate(new DioNotBufferedRule(), f, "btrfs");
        assertThat(outcome.status()).isEqualTo(RuleStatus.Fail);
        assertThat(outcome.reason()).isEqualTo("a 1-byte read and a 4096-byte read into a buffer at +1 succeeded"
                + " with O_DIRECT: reads are served from the page cache");
        assertThat(RuleSet.all().judge(new Measurement(Target.path("/var/lib"), "/var/lib/x", "btrfs", null, f, null))
                .verdict()).isEqualTo(Verdict.Affected);
    }

    @Test
    void nfsByteAlignedDirectIoIsNotJudgedAsBuffered() {
        TargetFacts f = facts(null, List.of("OK", "OK", "OK", "OK", "OK"), List.of("OK", "OK", "OK", "OK", "OK"),
                4096, 4096);
        assertThat(evaluate(new DioNotBufferedRule(), f, "nfs").status()).isEqualTo(RuleStatus.NotApplicable);
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
    void unknownRuleIsRejectedByName() {
        assertThatThrownBy(() -> RuleSet.named(List.of("qemu-legacy-dio", "no-such-rule")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown rule 'no-such-rule' (known: qemu-legacy-dio, dio-alignment-honest, dio-not-buffered)");
    }

    @Test
    void nodeVerdictIsTheWorstTargetVerdict() {
        assertThat(Verdict.Compatible.worst(Verdict.Unsupported)).isEqualTo(Verdict.Unsupported);
        assertThat(Verdict.Error.worst(Verdict.Affected)).isEqualTo(Verdict.Affected);
        assertThat(Verdict.Affected.worst(Verdict.Error)).isEqualTo(Verdict.Affected);
    }
}
