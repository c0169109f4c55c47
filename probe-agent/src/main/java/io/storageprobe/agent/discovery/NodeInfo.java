package io.storageprobe.agent.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Facts about the node itself. The kernel release is recorded, never trusted: vendor kernels
 * backport either way, so only the probes decide.
 *
 * @param hostRoot where the host's / is visible (/ for the CLI; the agent's host mount in a pod)
 */
public record NodeInfo(String kernelRelease, String bootId, String osImage, String hostname) {

    public static NodeInfo read(Path hostRoot) {
        return new NodeInfo(
                firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse("unknown"),
                firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse(null),
                prettyName(hostRoot.resolve("etc/os-release")).orElse(null),
                firstLine(Path.of("/proc/sys/kernel/hostname")).orElse("localhost"));
    }

    private static Optional<String> prettyName(Path osRelease) {
        try {
            return Files.readAllLines(osRelease).stream()
                    .filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring("PRETTY_NAME=".length()).replaceAll("^\"|\"$", ""))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
