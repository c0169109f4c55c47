package io.storageprobe.agent.access;

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
        return of(SysFs.path("class/block", name));
    }

    /** The device holding a file, from its st_dev; absent for anonymous devices (btrfs, overlayfs, tmpfs, NFS). */
    public static Optional<BlockQueue> ofDev(int major, int minor) {
        return of(SysFs.path("dev/block", major + ":" + minor));
    }

    private static Optional<BlockQueue> of(Path sysfsEntry) {
        // The kernel resolves "NAME/.." after following the sysfs symlink, so a partition's
        // "../queue" is its disk's queue without resolving the whole path here.
        Path queue = sysfsEntry.resolve(Files.exists(sysfsEntry.resolve("partition")) ? "../queue" : "queue");
        Integer lbs = readInt(queue.resolve("logical_block_size"));
        if (lbs == null) {
            return Optional.empty();
        }
        Integer mask = readInt(queue.resolve("dma_alignment"));
        return Optional.of(new BlockQueue(
                deviceName(sysfsEntry),
                lbs,
                readInt(queue.resolve("physical_block_size")),
                mask == null ? null : mask + 1));
    }

    /**
     * The DMA alignment of device NAME: the one queue limit no ioctl reports (BLKSSZGET and
     * BLKPBSZGET give the block sizes). One sysfs read for a disk; a partition has no queue of its
     * own and uses its disk's, one directory up.
     */
    public static Integer dmaAlignment(String name) {
        Path device = SysFs.path("class/block", name);
        Integer mask = readInt(device.resolve("queue/dma_alignment"));
        if (mask == null) {
            mask = readInt(device.resolve("../queue/dma_alignment"));
        }
        return mask == null ? null : mask + 1;
    }

    /**
     * queue/virt_boundary_mask of device NAME (its disk's, for a partition): non-zero where the
     * driver needs every segment but the first to start on that boundary (NVMe's PRP lists), which
     * 6.18's relaxed segment lengths do not lift. Null where the kernel has no such file.
     */
    public static Long virtBoundaryMask(String name) {
        Path device = SysFs.path("class/block", name);
        Long mask = readLong(device.resolve("queue/virt_boundary_mask"));
        return mask != null ? mask : readLong(device.resolve("../queue/virt_boundary_mask"));
    }

    private static Long readLong(Path file) {
        try {
            return Long.valueOf(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** /sys/class/block/NAME is named after the device; /sys/dev/block/MAJ:MIN links to it. */
    private static String deviceName(Path sysfsEntry) {
        if (sysfsEntry.startsWith(SysFs.path("class/block"))) {
            return sysfsEntry.getFileName().toString();
        }
        try {
            return sysfsEntry.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return null;
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
