package io.storageprobe.agent.target;

import io.storageprobe.api.result.TargetKind;

/**
 * Something to probe, as the user named it or discovery found it: a block device name or path
 * ({@code sda}, {@code /dev/mapper/data}), a directory, an existing file, or a kubelet volume
 * (its device node or mount directory).
 *
 * @param persistentVolume the PersistentVolume of a volume target; null for the other kinds
 */
public record Target(TargetKind kind, String name, String persistentVolume) {
    public static Target device(String name) {
        return new Target(TargetKind.DEVICE, name, null);
    }

    public static Target path(String dir) {
        return new Target(TargetKind.PATH, dir, null);
    }

    public static Target file(String file) {
        return new Target(TargetKind.FILE, file, null);
    }

    /** @param path a block volume's device node or a filesystem volume's mount directory */
    public static Target volume(String path, String persistentVolume) {
        return new Target(TargetKind.VOLUME, path, persistentVolume);
    }
}
