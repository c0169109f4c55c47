package io.storageprobe.agent.discovery;

import io.storageprobe.agent.access.SysFs;
import io.storageprobe.agent.target.Target;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link TargetSelection} into the list of targets to probe on this host. A disk that
 * backs a PersistentVolume (a cloud disk, a SAN LUN, a TopoLVM or Ceph RBD device kubelet attached
 * for a pod) is never one of the node's disks, whatever the globs match: its result tells about
 * its StorageClass, and counted as a node disk it would make the node Affected whatever
 * {@code volumesInNodeVerdict} says. With volumes it is probed once, as its volume; without, it
 * is left out. A device the user names is probed as asked.
 */
public final class DeviceDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceDiscovery.class);
    private final Path sysBlock;
    private final VolumeDiscovery volumeDiscovery;

    /** This host's /sys/block, and kubelet under {@code $STORAGEPROBE_HOST_ROOT}. */
    public DeviceDiscovery() {
        this(SysFs.path("block"), VolumeDiscovery.fromEnvironment());
    }

    public DeviceDiscovery(Path sysBlock, VolumeDiscovery volumeDiscovery) {
        this.sysBlock = sysBlock;
        this.volumeDiscovery = volumeDiscovery;
    }

    public static FoundTargets targets(TargetSelection selection) {
        return new DeviceDiscovery().select(selection);
    }

    /** As {@code check} selects: the named targets, else the node's disks; then paths, files and volumes. */
    public FoundTargets select(TargetSelection selection) {
        boolean discoverDisks = !selection.namesTargets();
        KubeletVolumes kubelet = discoverDisks || selection.volumes()
                ? volumeDiscovery.scan(selection.volumes())
                : KubeletVolumes.none();
        List<Target> targets = new ArrayList<>();
        if (discoverDisks) {
            targets.addAll(nodeDisks(selection.deviceInclude(), selection.deviceExclude(), kubelet));
        } else {
            selection.devices().forEach(d -> targets.add(Target.device(d)));
        }
        selection.paths().forEach(p -> targets.add(Target.path(p)));
        selection.files().forEach(f -> targets.add(Target.file(f)));
        if (selection.volumes()) {
            targets.addAll(kubelet.targets());
        }
        return new FoundTargets(targets, selection.volumes() ? kubelet.problems() : List.of());
    }

    /**
     * What kubelet attached, for callers that compose their own target list with {@link #nodeDisks};
     * {@code probing}: whether its volumes will be probed (see {@link VolumeDiscovery#scan}).
     */
    public KubeletVolumes kubeletVolumes(boolean probing) {
        return volumeDiscovery.scan(probing);
    }

    /**
     * The node's own disks: those matching the globs, less every disk that backs a PersistentVolume
     * itself or through one of its partitions, each such skip logged once with its volume.
     */
    public List<Target> nodeDisks(List<String> include, List<String> exclude, KubeletVolumes kubelet) {
        List<Target> disks = new ArrayList<>();
        for (String disk : wholeDisks(include, exclude)) {
            Optional<Backing> backing = backing(disk, kubelet);
            if (backing.isEmpty()) {
                disks.add(Target.device(disk));
            } else {
                logSkip(disk, backing.get(), kubelet);
            }
        }
        return disks;
    }

    /** Names in /sys/block (whole disks only: partitions are not listed there) matching the globs, sorted. */
    public List<String> wholeDisks(List<String> include, List<String> exclude) {
        List<PathMatcher> in = matchers(include);
        List<PathMatcher> out = matchers(exclude);
        try (Stream<Path> entries = Files.list(sysBlock)) {
            return entries.map(Path::getFileName)
                    .filter(name -> in.stream().anyMatch(m -> m.matches(name)))
                    .filter(name -> out.stream().noneMatch(m -> m.matches(name)))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A disk's device, or one of its partitions, that backs a PersistentVolume. */
    private record Backing(String device, PersistentVolumeDevice volume) {}

    /**
     * The disk itself first, then its partitions (the subdirectories of /sys/block/DISK with a
     * {@code partition} file), each by the number in its {@code dev} file.
     */
    private Optional<Backing> backing(String disk, KubeletVolumes kubelet) {
        if (kubelet.devices().isEmpty()) {
            return Optional.empty();
        }
        Path dir = sysBlock.resolve(disk);
        Optional<Backing> own = deviceNumber(dir).flatMap(kubelet::backing).map(v -> new Backing(disk, v));
        if (own.isPresent()) {
            return own;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("partition")))
                    .sorted()
                    .flatMap(p ->
                            deviceNumber(p)
                                    .flatMap(kubelet::backing)
                                    .map(v -> new Backing(p.getFileName().toString(), v))
                                    .stream())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<DeviceNumber> deviceNumber(Path sysfsDevice) {
        try {
            return DeviceNumber.parse(Files.readString(sysfsDevice.resolve("dev")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void logSkip(String disk, Backing backing, KubeletVolumes kubelet) {
        PersistentVolumeDevice v = backing.volume();
        String what = (v.persistentVolume() == null ? "a PersistentVolume" : "PersistentVolume " + v.persistentVolume())
                + (backing.device().equals(disk) ? "" : " through " + backing.device()) + " (" + v.foundBy() + ")";
        if (kubelet.probes(v.persistentVolume())) {
            LOG.info("{} backs {}: probed as volume pv/{}, not as a node disk", disk, what, v.persistentVolume());
        } else {
            LOG.info("skipping {}: backs {}", disk, what);
        }
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
    }
}
