package io.storageprobe.agent.localqemu;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The QEMU installed on this host, for {@code check} without {@code --qemu}: the first of
 * qemu-img and qemu-system-ARCH on PATH that prints a version. It runs before any probe reads:
 * a JVM with a thread stuck in a hung disk's I/O cannot start processes any more.
 */
public final class LocalQemu {
    private static final long WAIT_SECONDS = 5;

    private LocalQemu() {}

    public static QemuInForce detect() {
        String arch = "aarch64".equals(System.getProperty("os.arch")) ? "aarch64" : "x86_64";
        for (String command : List.of("qemu-img", "qemu-system-" + arch)) {
            Path binary = onPath(command);
            if (binary == null) {
                continue;
            }
            String output = ShortCommand.output(WAIT_SECONDS, binary.toString(), "--version");
            QemuVersion version = QemuVersion.fromVersionOutput(output);
            if (version != null) {
                return new QemuInForce(
                        version.toString(),
                        QemuInForce.LOCAL,
                        binary + " --version: " + ShortCommand.firstLine(output));
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
}
