package io.storageprobe.agent.discovery;

import java.util.Optional;

/**
 * A block device's number, major:minor, as the kernel writes it in /proc/self/mountinfo and
 * /sys/block/NAME/dev and as a device node's st_rdev holds it. It names a device whatever path
 * reaches it (/dev/sdb, /dev/mapper/x, kubelet's node for a pod), so devices are compared by it.
 */
public record DeviceNumber(int major, int minor) {
    /** "8:16"; empty when the text is not two decimal numbers. */
    static Optional<DeviceNumber> parse(String text) {
        String[] parts = text.strip().split(":");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeviceNumber(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Major 0 is the kernel's anonymous devices: filesystems without a block device of their own
     * (tmpfs, NFS, overlay) and btrfs, whose st_dev is never the device it lives on.
     */
    boolean anonymous() {
        return major == 0;
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
