package io.storageprobe.agent.access;

import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A PersistentVolume kubelet attached to the node (VolumeDiscovery finds them), only ever
 * read: a block volume through its device node, exactly like a disk; a filesystem volume through
 * a disk image already in it ({@link DiskImage}). Nothing in a user's volume is created, written or
 * deleted, so a volume gets neither the write probe nor a scratch file.
 */
final class VolumeTarget implements TargetAccess {
    @Override
    public Measurement measure(Target target) throws TargetError {
        // Followed: a pod's volumeDevices entry is a symlink to the device node.
        Statx stat = TargetFiles.statx(target.name());
        if (stat.isBlockDevice()) {
            return new DeviceTarget().measure(target, target.name());
        }
        if (!stat.isDirectory()) {
            throw new TargetError(target.name() + " is neither a block device nor a mounted volume directory");
        }
        Optional<Path> image = DiskImage.find(Path.of(target.name()));
        if (image.isEmpty()) {
            return new Measurement(
                    target,
                    null,
                    null,
                    null,
                    null,
                    new Measurement.Problem(
                            Measurement.Problem.Kind.UNSUPPORTED,
                            "no disk image in " + target.name() + ": neither "
                                    + DiskImage.KUBEVIRT_NAME + " nor a regular file of at least "
                                    + ReadProbes.MIN_FILE_BYTES
                                    + " bytes (StorageProbe never writes into a volume, so it has nothing to read)"));
        }
        return new FileTarget().measure(target, image.get().toString());
    }
}
