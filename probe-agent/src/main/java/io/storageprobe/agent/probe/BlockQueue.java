package io.storageprobe.agent.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The block layer's view of a device: /sys/class/block/NAME/queue, where a partition's queue is
 * its disk's (a partition has a {@code partition} file and sits inside the disk's directory).
 * dm devices have a queue of their own. dma_alignment exists from Linux 6.0 and holds a mask.
 */
public record BlockQueue(String device, Integer logicalBlockSize, Integer physicalBlockSize, Integer dmaAlignment) {

    public static Optional<BlockQueue> ofName(String name) {
        return of(Path.of("/sys/class/block", name));
    }

    /** The device holding a file, from its st_dev; absent for anonymous devices (btrfs, overlayfs, tmpfs, NFS). */
    public static Optional<BlockQueue> ofDev(int major, int minor) {
        return of(Path.of("/sys/dev/block", major + ":" + minor));
    }

    private static Optional<BlockQueue> of(Path sysfsEntry) {
        try {
            Path dev = sysfsEntry.toRealPath();
            Path disk = Files.exists(dev.resolve("partition")) ? dev.getParent() : dev;
            Path queue = disk.resolve("queue");
            if (!Files.isDirectory(queue)) {
                return Optional.empty();
            }
            Integer mask = readInt(queue.resolve("dma_alignment"));
            return Optional.of(new BlockQueue(dev.getFileName().toString(),
                    readInt(queue.resolve("logical_block_size")),
                    readInt(queue.resolve("physical_block_size")),
                    mask == null ? null : mask + 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Integer readInt(Path file) {
        try {
            return Integer.valueOf(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
