package io.storageprobe.agent.probe;

import io.storageprobe.api.result.TargetKind;

/**
 * Something to probe, as the user named it or discovery found it: a block device name or path
 * ({@code sda}, {@code /dev/mapper/data}), a directory, or an existing file.
 */
public record Target(TargetKind kind, String name) {
    public static Target device(String name) {
        return new Target(TargetKind.DEVICE, name);
    }

    public static Target path(String dir) {
        return new Target(TargetKind.PATH, dir);
    }

    public static Target file(String file) {
        return new Target(TargetKind.FILE, file);
    }
}
