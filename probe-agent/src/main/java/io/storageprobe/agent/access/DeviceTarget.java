package io.storageprobe.agent.access;

import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A block device, opened read-only with O_DIRECT; nothing on it is ever written. */
final class DeviceTarget implements TargetAccess {
    @Override
    public Measurement measure(Target target) throws TargetError {
        return measure(target, target.name().contains("/") ? target.name() : "/dev/" + target.name());
    }

    /** @param path a device node: in /dev, or anywhere else (kubelet's nodes for block volumes) */
    Measurement measure(Target target, String path) throws TargetError {
        Path real = TargetFiles.realPath(path, "no such device");
        Statx stat = TargetFiles.statx(real.toString());
        if (!stat.isBlockDevice()) {
            throw new TargetError(path + " is not a block device");
        }
        String name = sysfsName(real, stat);
        try (DirectFile file = TargetFiles.open(path)) {
            // The block layer's answers through the open descriptor: an ioctl each, no sysfs file
            // to open, read and parse (bench/probe-cost counts the calls). Opening reads nothing.
            Long bytes = file.ioctlLong(Abi.BLKGETSIZE64);
            if (bytes != null && bytes < ReadProbes.MIN_FILE_BYTES) {
                // Reads at or past the end succeed with 0 bytes before any alignment check, which would
                // look like reads served from the page cache: too small to probe, not Affected.
                return new Measurement(
                        target,
                        path,
                        null,
                        name,
                        null,
                        new Measurement.Problem(
                                Measurement.Problem.Kind.UNSUPPORTED,
                                path + " holds " + bytes + " bytes; the probes read its first "
                                        + ReadProbes.MIN_FILE_BYTES + " (an empty loop device or zram?)"));
            }
            Integer lbs = file.ioctlInt(Abi.BLKSSZGET);
            Integer pbs = file.ioctlInt(Abi.BLKPBSZGET);
            BlockQueue limits = lbs != null && pbs != null
                    ? new BlockQueue(name, lbs, pbs, BlockQueue.dmaAlignment(name))
                    : fromSysfs(name, lbs, pbs);
            return ReadProbes.run(target, path, null, limits, stat, file);
        }
    }

    /** Where a block-size ioctl failed: the queue's sysfs files instead. */
    private static BlockQueue fromSysfs(String name, Integer lbs, Integer pbs) {
        Optional<BlockQueue> queue = BlockQueue.ofName(name);
        return new BlockQueue(
                name,
                lbs != null ? lbs : queue.map(BlockQueue::logicalBlockSize).orElse(null),
                pbs != null ? pbs : queue.map(BlockQueue::physicalBlockSize).orElse(null),
                queue.map(BlockQueue::dmaAlignment).orElse(null));
    }

    /**
     * The device's name in /sys/class/block: the node's own name when it is there (/dev/sda), else
     * the name /sys/dev/block/MAJ:MIN links to, for nodes named otherwise (kubelet names a block
     * volume's node after the pod's uid).
     */
    private static String sysfsName(Path real, Statx stat) {
        String own = real.getFileName().toString();
        if (Files.exists(SysFs.path("class/block", own))) {
            return own;
        }
        try {
            return SysFs.path("dev/block", stat.rdevMajor() + ":" + stat.rdevMinor())
                    .toRealPath()
                    .getFileName()
                    .toString();
        } catch (IOException e) {
            return own;
        }
    }
}
