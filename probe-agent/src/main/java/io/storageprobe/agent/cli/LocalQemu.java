package io.storageprobe.agent.cli;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The QEMU installed on this host, for {@code check} without {@code --qemu}: the first of
 * qemu-img and qemu-system-ARCH on PATH that prints a version. It runs before any probe reads:
 * a JVM with a thread stuck in a hung disk's I/O cannot start processes any more.
 */
public final class LocalQemu {
    private static final long WAIT_SECONDS = 5;

    private LocalQemu() {
    }

    public static QemuInForce detect() {
        String arch = "aarch64".equals(System.getProperty("os.arch")) ? "aarch64" : "x86_64";
        for (String command : List.of("qemu-img", "qemu-system-" + arch)) {
            Path binary = onPath(command);
            if (binary == null) {
                continue;
            }
            String output = versionOutput(binary);
            QemuVersion version = QemuVersion.fromVersionOutput(output);
            if (version != null) {
                return new QemuInForce(version.toString(), QemuInForce.LOCAL, binary + " --version: " + firstLine(output));
            }
        }
        return QemuInForce.unknown("no --qemu given and no qemu-img or qemu-system-" + arch
                + " on PATH that prints a version: every rule counts");
    }

    static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String versionOutput(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            // Wait first, read after: --version prints a few lines, far less than a pipe holds, so the
            // child never blocks on its output, and a child that hangs cannot hang us.
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            try (InputStream in = process.getInputStream()) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }
}
