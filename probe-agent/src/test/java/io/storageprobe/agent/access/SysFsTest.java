package io.storageprobe.agent.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sysfs under the host root where the agent Pod mounts it there, else the machine's own /sys. */
class SysFsTest {
    @Test
    void theHostRootsSysWhenItHoldsTheBlockClass(@TempDir Path host) throws IOException {
        Files.createDirectories(host.resolve("sys/class/block"));
        assertThat(SysFs.root(host.toString())).isEqualTo(host.resolve("sys"));
    }

    @Test
    void plainSysWithoutAHostRootOrWhereTheHostRootHasNoSysfs(@TempDir Path host) {
        assertThat(SysFs.root(null)).isEqualTo(Path.of("/sys"));
        assertThat(SysFs.root("")).isEqualTo(Path.of("/sys"));
        // An older DaemonSet (host /sys over the container's /sys) or `storageprobe check --host-root`.
        assertThat(SysFs.root(host.toString())).isEqualTo(Path.of("/sys"));
    }

    @Test
    void pathsAreNamedAsBelowSys() {
        assertThat(SysFs.path("class/block", "loop0").toString()).endsWith("/sys/class/block/loop0");
    }
}
