package io.storageprobe.agent.localqemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A local command that prints a few lines (qemu-img --version, one qemu-io request), run with a
 * limit so that a command that hangs (a qemu-io on a dead disk) cannot hang the agent.
 */
final class ShortCommand {
    private ShortCommand() {}

    /** Its output and error, or why there is none ("no answer within 5 s", the exec error). */
    static String output(long waitSeconds, String... command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            // Wait first, read after: these print far less than a pipe holds, so the child never
            // blocks on its output; one stuck in the kernel is left to it, as a probe child is.
            if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "no answer within " + waitSeconds + " s";
            }
            try (InputStream in = process.getInputStream()) {
                return new String(in.readNBytes(8192), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }
}
