package io.storageprobe.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Real qemu-io (Debian's qemu-utils, listed in test-tools.txt) as the judge of what QEMU does with
 * a disk: opened read-only with cache=none ({@code -t none}: O_DIRECT, as KubeVirt serves VM disks),
 * so QEMU runs its own alignment probe on open. It never writes.
 */
public final class QemuIo {
    private QemuIo() {}

    /** What qemu-io printed for one read-only command, its exit status first: "1: qemu-io: can't open ...". */
    public static String readOnly(String path, String command) throws IOException {
        Process p = new ProcessBuilder("qemu-io", "-f", "raw", "-t", "none", "-r", "-c", command, path)
                .redirectErrorStream(true)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("qemu-io " + command + " " + path + " did not end within 60 s: " + out);
            }
            return p.exitValue() + ": " + out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
