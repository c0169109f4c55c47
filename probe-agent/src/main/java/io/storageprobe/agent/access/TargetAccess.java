package io.storageprobe.agent.access;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;

/**
 * How one kind of target is opened and what probing it may touch. Every kind reads at offset 0,
 * inside the first 8 KiB, with O_RDONLY|O_DIRECT; only {@link DirectoryTarget} writes, and only to
 * a temporary file of its own.
 */
sealed interface TargetAccess permits DeviceTarget, FileTarget, DirectoryTarget, VolumeTarget {
    Measurement measure(Target target) throws TargetError;
}
