package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.storageprobe.agent.discovery.NodeInfo;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.Scrape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code check --output prometheus} for node_exporter's textfile collector: the agent's series,
 * accepted by the real promtool, and {@code --output-file} replacing the file whole or not at all,
 * also when the kernel runs out of space halfway through the write.
 */
class CheckPrometheusOutputTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path dir;
    private Path image;

    @BeforeEach
    void makeAFileToProbe() throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-textfile-test-");
        // A long name makes the output span more than one page, so a full disk cuts it midway.
        image = Files.write(
                dir.resolve("vm-disk-image-with-a-long-name-" + "x".repeat(60) + ".img"), new byte[64 << 10]);
    }

    @AfterEach
    void removeIt() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private int check(String... args) {
        return new CheckCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    @Test
    void prometheusOutputIsTheAgentsSeriesAndPassesPromtool() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            assertThat(check(
                            "--device",
                            loop.device(),
                            "--file",
                            image.toString(),
                            "--qemu",
                            "5.2",
                            "--output",
                            "prometheus"))
                    .as(err.toString(StandardCharsets.UTF_8))
                    .isZero();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        Scrape scrape = Scrape.parse(text);
        for (Scrape.Listed listed : Scrape.agentMetricNames()) {
            listed.series()
                    .forEach((series, labels) -> assertThat(scrape.named(series))
                            .as(series)
                            .isNotEmpty()
                            .allSatisfy(
                                    s -> assertThat(s.labels().keySet()).containsExactlyInAnyOrderElementsOf(labels)));
        }
        String node = NodeInfo.read(Path.of("/")).hostname();
        assertThat(scrape.samples())
                .allSatisfy(s -> assertThat(s.labels())
                        .containsEntry("probe", "standalone")
                        .containsEntry("node", node));
        assertThat(scrape.value(
                        "storageprobe_target_verdict", Map.of("target", image.toString(), "verdict", "Compatible")))
                .isEqualTo(1);

        Process promtool = new ProcessBuilder(promtool(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (var stdin = promtool.getOutputStream()) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(promtool.exitValue()).as(verdict).isZero();
        assertThat(verdict).isEmpty(); // no lint warnings either
    }

    @Test
    void outputFileIsReplacedWholeAndReadableByNodeExporter() throws IOException {
        Path prom = Files.writeString(dir.resolve("storageprobe.prom"), "# the previous run\n");
        assertThat(check("--file", image.toString(), "--output", "prometheus", "--output-file", prom.toString()))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(Files.readString(prom)).startsWith("# HELP storageprobe_").contains("storageprobe_target_verdict{");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)))
                .isEqualTo("rw-r--r--");
        assertThat(names(dir))
                .containsExactlyInAnyOrder(
                        "storageprobe.prom", image.getFileName().toString());
    }

    @Test
    void aWriteThatRunsOutOfSpaceMidwayLeavesThePreviousFileIntact() throws IOException {
        Path mount = Files.createDirectory(dir.resolve("textfile"));
        LoopDevice.run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", mount.toString());
        try {
            Path prom = Files.writeString(mount.resolve("storageprobe.prom"), "storageprobe_previous_run 1\n");
            // Leave exactly one page free: the new file's first page fits, the rest fails with ENOSPC.
            long free = Files.getFileStore(mount).getUsableSpace();
            Files.write(mount.resolve("filler"), new byte[(int) (free - 4096)]);
            assertThat(Files.getFileStore(mount).getUsableSpace()).isEqualTo(4096);

            int code = check("--file", image.toString(), "--output", "prometheus", "--output-file", prom.toString());

            assertThat(code).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("storageprobe check: cannot write " + prom + ": ")
                    .contains("No space left on device");
            assertThat(Files.readString(prom)).isEqualTo("storageprobe_previous_run 1\n");
            assertThat(names(mount))
                    .as("no temporary file left")
                    .containsExactlyInAnyOrder("storageprobe.prom", "filler");
        } finally {
            LoopDevice.run("umount", mount.toString());
        }
    }

    @Test
    void aFailedRenameRemovesTheTemporaryFile() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("storageprobe.prom"));
        Files.writeString(notAFile.resolve("keep"), "x");
        assertThat(check("--file", image.toString(), "--output", "prometheus", "--output-file", notAFile.toString()))
                .isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("storageprobe check: cannot write " + notAFile + ": ");
        assertThat(names(dir))
                .containsExactlyInAnyOrder(
                        "storageprobe.prom", image.getFileName().toString());
        assertThat(names(notAFile)).containsExactly("keep");
    }

    @Test
    void badOutputFlagsAreUsageErrors() {
        assertThat(check("--output", "openmetrics")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("storageprobe check: --output must be table, json or prometheus");
        err.reset();
        assertThat(check("--output-file", "/var/lib/prometheus/")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("storageprobe check: --output-file must name a file");
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** $PROMTOOL_BIN or promtool on PATH, as the chart tests find it; a missing tool fails, never skips. */
    private static String promtool() {
        String fromEnv = System.getenv("PROMTOOL_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "promtool"))) {
                return Path.of(d, "promtool").toString();
            }
        }
        return fail("promtool not found: run charts/tools/install-tools.sh and export what it prints");
    }
}
