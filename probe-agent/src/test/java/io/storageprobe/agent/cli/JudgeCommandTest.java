package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.report.JsonReport;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved check result judged again for another QEMU: what the kernel matrix does per QEMU. */
class JudgeCommandTest {
    private static final RuleOutcome LEGACY_FAILS = new RuleOutcome(
            RuleCatalog.QEMU_LEGACY_DIO,
            RuleStatus.Fail,
            "buffer alignment 512 < request alignment 4096 and preadv {512@0xc00, 3584@0x200} failed with EINVAL");
    private static final TargetResult DISK = new TargetResult(
            TargetKind.DEVICE,
            "vdb",
            "/dev/vdb",
            null,
            null,
            null,
            List.of(LEGACY_FAILS),
            Verdict.Affected,
            "qemu-legacy-dio: " + LEGACY_FAILS.reason(),
            null,
            null);
    // What check printed with no QEMU installed: every rule counted.
    private static final String SAVED = JsonReport.render(new NodeResult(
            "check",
            "node-a",
            "6.1.0-41-amd64",
            null,
            null,
            "2026-12-04T19:00:00Z",
            "test",
            List.of(DISK),
            Verdict.Affected,
            QemuInForce.unknown("no --qemu given: every rule counts")));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int judge(String stdin, String... args) {
        return new JudgeCommand(
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private NodeResult judged() throws Exception {
        return JudgeCommand.read(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void theSameFactsBreakQemu52AndNot72() throws Exception {
        assertThat(judge(SAVED, "--qemu", "5.2", "--output", "json")).isEqualTo(CheckCommand.RULE_FAILED);
        NodeResult old = judged();
        assertThat(old.verdict()).isEqualTo(Verdict.Affected);
        assertThat(old.qemu().version()).isEqualTo("5.2");
        assertThat(old.targets().get(0).rules()).containsExactly(LEGACY_FAILS);

        out.reset();
        assertThat(judge(SAVED, "--qemu=7.2", "--output=json", "-")).isEqualTo(CheckCommand.COMPATIBLE);
        TargetResult fixed = judged().targets().get(0);
        assertThat(fixed.verdict()).isEqualTo(Verdict.Compatible);
        assertThat(fixed.latentFindings()).singleElement().asString().startsWith("qemu-legacy-dio fails, but QEMU 7.2");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void readsAFileAndPrintsTheTable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("result.json"), SAVED);
        assertThat(judge("", "--qemu", "10.1", file.toString())).isEqualTo(CheckCommand.COMPATIBLE);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("vdb")
                .contains("Compatible")
                .contains("10.1");
    }

    @Test
    void badFlagsAndBadInputAreNamedWithoutAStackTrace(@TempDir Path dir) {
        for (String[] args : new String[][] {
            {},
            {"--qemu"},
            {"--qemu", "seven"},
            {"--qemu", "7.2", "--output", "xml"},
            {"--qemu", "7.2", "--bogus"},
            {"--qemu", "7.2", "a.json", "b.json"}
        }) {
            err.reset();
            assertThat(judge(SAVED, args)).as(String.join(" ", args)).isEqualTo(CheckCommand.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("storageprobe judge: ")
                    .contains("Usage:");
        }
        for (String input : new String[] {"", "not json", "[1, 2]", "{\"spec\": {\"node\": \"a\"}}"}) {
            err.reset();
            assertThat(judge(input, "--qemu", "7.2")).as(input).isEqualTo(CheckCommand.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("storageprobe judge: cannot read a result from standard input")
                    .doesNotContain("\tat ");
        }
        err.reset();
        assertThat(judge("", "--qemu", "7.2", dir.resolve("missing.json").toString()))
                .isEqualTo(CheckCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.json");
    }

    @Test
    void anErrorTargetStaysAnError() throws Exception {
        TargetResult hung = new TargetResult(
                TargetKind.DEVICE,
                "sdb",
                "/dev/sdb",
                null,
                null,
                null,
                null,
                Verdict.Error,
                "no answer within 30 s",
                null,
                null);
        String saved = JsonReport.render(
                new NodeResult("check", "n", "6.1", null, null, null, null, List.of(DISK, hung), Verdict.Error, null));
        assertThat(judge(saved, "--qemu", "10.1", "--output", "json")).isEqualTo(CheckCommand.PROBE_ERROR);
        assertThat(judged().targets().get(1)).isEqualTo(hung);
    }
}
