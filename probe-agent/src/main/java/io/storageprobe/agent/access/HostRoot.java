package io.storageprobe.agent.access;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the host's files are seen: {@code $STORAGEPROBE_HOST_ROOT} (the agent Pod mounts what it
 * reads of the host under /host), else / for {@code storageprobe check} on the host itself.
 */
public final class HostRoot {
    public static final String ENV = "STORAGEPROBE_HOST_ROOT";

    private HostRoot() {}

    public static Path of(Map<String, String> env) {
        String root = env.get(ENV);
        return Path.of(root == null || root.isBlank() ? "/" : root);
    }
}
