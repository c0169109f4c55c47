package io.storageprobe.operator.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What the node ITs saw, for a reader rather than an assertion: operator/target/node-evidence.txt,
 * started afresh by the first section written in a test run, then appended to (also printed).
 */
final class NodeEvidence {
    static final Path FILE = ChartOnNode.REPO.resolve("operator/target/node-evidence.txt");
    private static boolean started;

    private NodeEvidence() {}

    static synchronized void section(String title, String text) {
        String block = "=== " + title + " (" + Instant.now() + ")\n" + text + (text.endsWith("\n") ? "" : "\n") + "\n";
        System.out.print(block);
        try {
            Files.createDirectories(FILE.getParent());
            if (!started) {
                Files.writeString(FILE, block);
                started = true;
            } else {
                Files.writeString(FILE, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
