package io.storageprobe.agent.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running kernel's mainline version, for tests that expect mainline behaviour of it. */
record KernelRelease(int major, int minor) {
    static KernelRelease current() {
        try {
            String release =
                    Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
            if (!m.find()) {
                throw new IllegalStateException("unparsable kernel release " + release);
            }
            return new KernelRelease(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean atLeast(int major, int minor) {
        return this.major > major || this.major == major && this.minor >= minor;
    }
}
