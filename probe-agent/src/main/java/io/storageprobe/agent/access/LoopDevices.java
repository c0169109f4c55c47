package io.storageprobe.agent.access;

import io.storageprobe.api.result.LoopBacking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The loop devices beneath a block device, from sysfs: the device itself (or its disk, for a
 * partition) and, through {@code slaves/}, the devices a device-mapper table (LVM, dm-crypt) is
 * built on. A loop device whose loop/dio is 0 serves O_DIRECT from the page cache of its backing
 * file (openebs/rawfile-localpv#39): the kernel falls back silently when the backing file cannot do
 * the loop device's sector size with O_DIRECT.
 */
public final class LoopDevices {
    private final Path classBlock;

    LoopDevices(Path classBlock) {
        this.classBlock = classBlock;
    }

    public static LoopDevices system() {
        return new LoopDevices(SysFs.path("class/block"));
    }

    /** The first loop device beneath NAME that runs buffered, else the first one, else null. */
    public LoopBacking beneath(String name) {
        List<LoopBacking> loops = new ArrayList<>();
        collect(name, loops, 0);
        return loops.stream().filter(l -> !l.directIo()).findFirst().orElse(loops.isEmpty() ? null : loops.get(0));
    }

    private void collect(String name, List<LoopBacking> into, int depth) {
        // Stacks are shallow (dm on dm on loop); the bound only guards against a cycle.
        if (depth > 8) {
            return;
        }
        Path device = classBlock.resolve(name);
        // A partition (loop0p1) has its disk's loop/ directory one level up.
        Path disk = Files.exists(device.resolve("partition")) ? device.resolve("..") : device;
        String dio = read(disk.resolve("loop/dio"));
        if (dio != null) {
            String diskName = disk == device ? name : diskName(disk, name);
            into.add(new LoopBacking(diskName, "1".equals(dio), read(disk.resolve("loop/backing_file"))));
            return;
        }
        try (Stream<Path> slaves = Files.list(disk.resolve("slaves"))) {
            slaves.map(p -> p.getFileName().toString()).sorted().forEach(s -> collect(s, into, depth + 1));
        } catch (IOException e) {
            // No slaves/ directory: a plain disk, nothing beneath.
        }
    }

    /** A partition's disk, by its real path (a partition's ".." is its disk's directory). */
    private static String diskName(Path disk, String name) {
        try {
            return disk.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return name;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
