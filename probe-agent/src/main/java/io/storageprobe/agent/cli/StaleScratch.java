package io.storageprobe.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scratch directories of earlier runs that were killed before they could clean up (SIGKILL, power
 * loss, OOM). A scratch directory is named {@code storageprobe-scratch-<pid>-<random>} by the run
 * that owns it; it is stale when that process is gone, or when the PID now belongs to a process
 * that started after the directory was last changed (the PID was reused). Directories named
 * otherwise (another tool, an older StorageProbe) are never touched.
 */
final class StaleScratch {
    static final String PREFIX = "storageprobe-scratch-";
    private static final Pattern OWNED = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");

    private StaleScratch() {}

    /** The name prefix for a directory owned by this process. */
    static String prefixForThisProcess() {
        return PREFIX + ProcessHandle.current().pid() + "-";
    }

    /** Sweeps every stale scratch directory in {@code parent}; returns what was done, one line each. */
    static List<String> removeAll(Path parent) {
        List<String> done = new ArrayList<>();
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path dir : entries.filter(StaleScratch::isStale).toList()) {
                List<String> found = ScratchSweep.leftovers(dir);
                List<String> problems = ScratchSweep.sweep(dir);
                done.add("removed what an earlier run (pid " + owner(dir).orElseThrow() + ", no longer running) left: "
                        + String.join(", ", found) + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
            }
        } catch (IOException e) {
            done.add("cannot look for leftovers of earlier runs in " + parent + ": " + e.getMessage());
        }
        return done;
    }

    static boolean isStale(Path dir) {
        Optional<Long> pid = owner(dir);
        if (pid.isEmpty() || !Files.isDirectory(dir)) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get());
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        try {
            Instant changed = Files.getLastModifiedTime(dir).toInstant();
            // Process start times are in clock ticks: allow a second of rounding.
            return started.isPresent() && started.get().isAfter(changed.plusSeconds(1));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Long> owner(Path dir) {
        Matcher m = OWNED.matcher(dir.getFileName().toString());
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }
}
