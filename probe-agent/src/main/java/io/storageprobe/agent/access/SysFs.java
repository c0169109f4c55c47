package io.storageprobe.agent.access;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the host's sysfs is read: {@code $STORAGEPROBE_HOST_ROOT/sys} when that holds the block
 * devices (the agent Pod mounts only the host's /sys/block, /sys/class, /sys/dev and /sys/devices
 * there, read-only, so that relative sysfs links resolve and the host's cgroup tree is not in the
 * Pod), else /sys ({@code storageprobe check} on a plain host). Every sysfs reader goes through here.
 */
public final class SysFs {
    private static final Path ROOT = root(System.getenv(HostRoot.ENV));

    private SysFs() {}

    /** A path below the sysfs root, named as below /sys: {@code path("class/block", name)}. */
    public static Path path(String first, String... more) {
        return ROOT.resolve(Path.of(first, more));
    }

    static Path root(String hostRoot) {
        if (hostRoot != null && !hostRoot.isBlank()) {
            Path underHost = Path.of(hostRoot, "sys");
            if (Files.isDirectory(underHost.resolve("class/block"))) {
                return underHost;
            }
        }
        return Path.of("/sys");
    }
}
