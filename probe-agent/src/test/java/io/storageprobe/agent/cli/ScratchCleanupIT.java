package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.testing.ScratchLeftovers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code check --scratch} run as a process and interrupted the ways users do: Ctrl-C (SIGINT to the
 * whole process group, the cleanup's own commands included), SIGTERM, and SIGKILL.
 * {@code -Dstorageprobe.jar=...} runs another build, e.g. the one before a fix, to count its leaks.
 */
class ScratchCleanupIT {
    private static final int TRIES = 30;
    private static final Path JAR = Path.of(System.getProperty("storageprobe.jar", "target/storageprobe.jar"));

    private static Process start(boolean ownGroup, Path stderr) throws Exception {
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add("setsid"); // not a group leader, so setsid execs in place: the pid is the group's id
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "check",
                "--scratch",
                "--output",
                "json"));
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
    }

    /** Waits until the run has made a scratch directory (or has ended). */
    private static void awaitScratchDirectory(Process p, ScratchLeftovers before) throws Exception {
        for (int i = 0;
                i < 6000
                        && p.isAlive()
                        && ScratchLeftovers.now().since(before).dirs().isEmpty();
                i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void interruptedAtThirtyMomentsItLeavesNoLoopDeviceMountOrDirectory() throws Exception {
        Path stderr = Files.createTempFile("storageprobe-scratch-it-", ".err");
        ScratchLeftovers before = ScratchLeftovers.now();
        List<String> leaks = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        try {
            // The moments that matter are from the first scratch directory to the exit (setup, probing,
            // cleanup): the tries spread the signal over that window, measured on one whole run first.
            Process full = start(false, stderr);
            awaitScratchDirectory(full, before);
            long begin = System.nanoTime();
            assertThat(full.waitFor(120, TimeUnit.SECONDS)).isTrue();
            long window = (System.nanoTime() - begin) / 1_000_000;
            for (int i = 0; i < TRIES; i++) {
                boolean ctrlC = i % 2 == 0;
                Process p = start(ctrlC, stderr);
                awaitScratchDirectory(p, before);
                Thread.sleep(window * i / TRIES);
                if (ctrlC) {
                    new ProcessBuilder("kill", "-INT", "--", "-" + p.pid())
                            .start()
                            .waitFor();
                } else {
                    p.destroy(); // SIGTERM
                }
                assertThat(p.waitFor(120, TimeUnit.SECONDS))
                        .as("exits after the signal")
                        .isTrue();
                ScratchLeftovers left = ScratchLeftovers.now().since(before);
                if (left.count() > 0) {
                    leaks.add("try " + i + " (" + (ctrlC ? "SIGINT to the group" : "SIGTERM") + " " + window * i / TRIES
                            + " ms into the scratch work): " + left);
                    left.remove();
                }
                messages.add(Files.readString(stderr, StandardCharsets.UTF_8));
            }
            long fullMillis = window;
            System.out.printf(
                    "%s: check --scratch works %d ms in its scratch directory; interrupted %d times: %d runs left something: %s%n",
                    JAR, fullMillis, TRIES, leaks.size(), leaks);
            assertThat(leaks).isEmpty();
            assertThat(messages).noneMatch(m -> m.contains("is not installed"));
        } finally {
            ScratchLeftovers.now().since(before).remove();
            Files.deleteIfExists(stderr);
        }
    }

    @Test
    void whatAKilledRunLeftIsRemovedByTheNextScratchRun() throws Exception {
        Path stderr = Files.createTempFile("storageprobe-scratch-it-", ".err");
        ScratchLeftovers before = ScratchLeftovers.now();
        try {
            Process killed = start(false, stderr);
            String mark = "/storageprobe-scratch-" + killed.pid() + "-";
            for (int i = 0;
                    i < 1200 && ScratchLeftovers.now().mounts().stream().noneMatch(m -> m.contains(mark));
                    i++) {
                Thread.sleep(50);
            }
            killed.destroyForcibly(); // SIGKILL: no hook runs
            assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
            ScratchLeftovers left = ScratchLeftovers.now().since(before);
            assertThat(left.mounts()).as("the killed run left its mount").hasSize(1);
            assertThat(left.loops()).hasSize(2);

            Process next = start(false, stderr);
            assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr))
                    .contains("storageprobe check: removed what an earlier run (pid " + killed.pid()
                            + ", no longer running) left: ");
            assertThat(ScratchLeftovers.now().since(before).count())
                    .as("nothing of either run is left")
                    .isZero();
        } finally {
            ScratchLeftovers.now().since(before).remove();
            Files.deleteIfExists(stderr);
        }
    }
}
