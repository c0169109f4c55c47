package io.storageprobe.agent.discovery;

import java.util.List;

/**
 * Which targets a node probes. Named devices, paths and files are probed as given, and with
 * {@code volumes} the PersistentVolumes kubelet attached ({@link VolumeDiscovery}); when none of
 * these is asked for, the whole disks in /sys/block matching {@code deviceInclude} and not
 * {@code deviceExclude}.
 */
public record TargetSelection(
        List<String> deviceInclude,
        List<String> deviceExclude,
        List<String> devices,
        List<String> paths,
        List<String> files,
        boolean volumes) {
    /** design.md section 1: whole disks of the usual drivers; never loop, RAM, zram or optical devices. */
    public static final List<String> DEFAULT_INCLUDE = List.of("nvme*n*", "sd*", "vd*", "xvd*", "dm-*");

    public static final List<String> DEFAULT_EXCLUDE = List.of("loop*", "ram*", "zram*", "sr*");

    public TargetSelection {
        deviceInclude = deviceInclude == null || deviceInclude.isEmpty() ? DEFAULT_INCLUDE : List.copyOf(deviceInclude);
        deviceExclude = deviceExclude == null ? DEFAULT_EXCLUDE : List.copyOf(deviceExclude);
        devices = devices == null ? List.of() : List.copyOf(devices);
        paths = paths == null ? List.of() : List.copyOf(paths);
        files = files == null ? List.of() : List.copyOf(files);
    }

    public static TargetSelection defaults() {
        return new TargetSelection(null, null, null, null, null, false);
    }

    public boolean namesTargets() {
        return !devices.isEmpty() || !paths.isEmpty() || !files.isEmpty() || volumes;
    }
}
