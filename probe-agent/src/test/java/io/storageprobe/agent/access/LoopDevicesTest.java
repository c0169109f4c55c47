package io.storageprobe.agent.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.LoopBacking;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk through {@code slaves/} to a loop device beneath device-mapper (LVM on loop devices),
 * on a copy of sysfs's layout: this host's kernel has no device-mapper (dmsetup: "/dev/mapper/control:
 * open failed: No such device"), so a real dm table cannot be made here. Loop devices themselves
 * are tested for real in LoopWithoutDirectIoTest.
 */
class LoopDevicesTest {
    @TempDir
    Path sys;

    private Path loop(String name, String dio, String backing) throws Exception {
        Path loop = Files.createDirectories(sys.resolve("devices").resolve(name).resolve("loop"));
        Files.writeString(loop.resolve("dio"), dio + "\n");
        Files.writeString(loop.resolve("backing_file"), backing + "\n");
        return Files.createSymbolicLink(sys.resolve("class").resolve(name), loop.getParent());
    }

    private Path dm(String name, String... slaves) throws Exception {
        Path dir = Files.createDirectories(sys.resolve("devices").resolve(name).resolve("slaves"));
        for (String s : slaves) {
            Files.createSymbolicLink(dir.resolve(s), sys.resolve("devices").resolve(s));
        }
        return Files.createSymbolicLink(sys.resolve("class").resolve(name), dir.getParent());
    }

    @Test
    void findsTheBufferedLoopBeneathDeviceMapperAndSaysNothingForPlainDisks() throws Exception {
        Files.createDirectories(sys.resolve("class"));
        loop("loop0", "1", "/var/lib/a.img");
        loop("loop1", "0", "/var/lib/b.img");
        dm("dm-0", "loop0", "loop1"); // an LVM volume group over two loop devices
        dm("dm-1", "dm-0"); // dm-crypt on top of it
        Files.createDirectories(sys.resolve("devices/vda/queue"));
        Files.createSymbolicLink(sys.resolve("class/vda"), sys.resolve("devices/vda"));
        LoopDevices loops = new LoopDevices(sys.resolve("class"));

        assertThat(loops.beneath("dm-1")).isEqualTo(new LoopBacking("loop1", false, "/var/lib/b.img"));
        assertThat(loops.beneath("loop0")).isEqualTo(new LoopBacking("loop0", true, "/var/lib/a.img"));
        assertThat(loops.beneath("vda")).isNull();
        assertThat(loops.beneath("nosuch")).isNull();
    }
}
