package io.storageprobe.agent.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.access.HostRoot;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.api.result.TargetKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The PersistentVolumes kubelet attached to this node, found in its root directory
 * ({@value #KUBELET_ROOT_ENV}, default {@value #DEFAULT_KUBELET_ROOT}; microk8s and k0s use others)
 * under the host root, one {@link Target#volume} each. The layouts read, as
 * kubelet's volume plugins make them (pkg/volume/csi/csi_block.go and csi_mounter.go,
 * pkg/volume/local/local.go, paths from pkg/kubelet/kubelet_getters.go; a plugin name's "/" is
 * written "~"):
 * <ul>
 * <li>CSI block volumes: {@code plugins/kubernetes.io/csi/volumeDevices/<pv>/dev/<pod-uid>}, the
 *     device node kubelet bind-mounts there for each pod, and the pod's symlink
 *     {@code pods/<pod-uid>/volumeDevices/kubernetes.io~csi/<pv>} (the {@code staging} and
 *     {@code publish} directories next to the PVs belong to the CSI driver and are not read);</li>
 * <li>local block volumes: {@code pods/<pod-uid>/volumeDevices/kubernetes.io~local-volume/<pv>};</li>
 * <li>CSI filesystem volumes: mounted at {@code pods/<pod-uid>/volumes/kubernetes.io~csi/<pv>/mount};</li>
 * <li>local filesystem volumes: mounted at {@code pods/<pod-uid>/volumes/kubernetes.io~local-volume/<pv>}.</li>
 * </ul>
 * Anything else is skipped with its reason logged: other plugins' directories (secrets,
 * projected tokens: not PersistentVolumes), a filesystem volume that is not mounted here (being
 * set up or torn down, or the host's kubelet directory is mounted without propagation), an entry
 * that cannot be read or is of an unexpected type.
 *
 * <p>One device or filesystem reached more than once (a volume shared by two pods, or a block
 * volume seen through its plugin node and its pod symlink) is one target: block volumes are
 * compared by the device their node stands for (st_rdev), filesystem volumes by the mounted
 * filesystem (st_dev) and directory within it, as {@link MountTable} has them. Nothing here reads
 * inside a volume, nor stats its mount point (a dead NFS server hangs that, as it hangs kubelet,
 * kubernetes#35038): mounts are known from /proc/self/mountinfo, since this runs in the parent
 * process, which a hung volume must not block. Symlinks are followed within the host root: an
 * absolute link target is a host path, and one in /dev (a local block PersistentVolume's own
 * device, {@code /dev/sdb}) is the agent's /dev, which is the host's (the agent Pod mounts it there).
 *
 * <p>The same pass also notes every block device that backs a PersistentVolume, probed or not
 * ({@link KubeletVolumes#devices()}), so that {@link DeviceDiscovery} never counts it as a node
 * disk: the devices of all plugins' block volumes, and the devices mounted (by st_dev, or the
 * mount's source where st_dev is anonymous, as on btrfs) in {@code pods/<uid>/volumes/<plugin>/<pv>}
 * and at CSI staging mounts ({@code plugins/kubernetes.io/csi/.../globalmount}), all read from
 * /proc/self/mountinfo without touching the mount points.
 */
public final class VolumeDiscovery {
    /** The kubelet's root directory on the host (kubelet's --root-dir), read under the host root. */
    public static final String KUBELET_ROOT_ENV = "STORAGEPROBE_KUBELET_ROOT";

    public static final String DEFAULT_KUBELET_ROOT = "/var/lib/kubelet";
    private static final Logger LOG = LoggerFactory.getLogger(VolumeDiscovery.class);
    static final String CSI = "kubernetes.io~csi";
    static final String LOCAL = "kubernetes.io~local-volume";
    /** Pod volume plugins that never hold a PersistentVolume: skipped without a word at INFO. */
    private static final Set<String> NOT_PERSISTENT = Set.of(
            "kubernetes.io~secret",
            "kubernetes.io~configmap",
            "kubernetes.io~projected",
            "kubernetes.io~empty-dir",
            "kubernetes.io~downward-api");

    private static final int MAX_LINKS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path hostRoot;
    private final Path kubelet;
    private final Path mountinfo;

    public VolumeDiscovery(Path hostRoot) {
        this(hostRoot, DEFAULT_KUBELET_ROOT);
    }

    public VolumeDiscovery(Path hostRoot, String kubeletRoot) {
        this(hostRoot, kubeletRoot, Path.of("/proc/self/mountinfo"));
    }

    VolumeDiscovery(Path hostRoot, Path mountinfo) {
        this(hostRoot, DEFAULT_KUBELET_ROOT, mountinfo);
    }

    private VolumeDiscovery(Path hostRoot, String kubeletRoot, Path mountinfo) {
        this.hostRoot = hostRoot.toAbsolutePath().normalize();
        this.kubelet = inHostRoot(kubeletRoot);
        this.mountinfo = mountinfo;
    }

    /**
     * Under the host root the agent already uses ({@value HostRoot#ENV}, default /), in the
     * kubelet root it is told ({@value #KUBELET_ROOT_ENV}, default {@value #DEFAULT_KUBELET_ROOT}).
     */
    public static VolumeDiscovery fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new VolumeDiscovery(HostRoot.of(env), env.getOrDefault(KUBELET_ROOT_ENV, DEFAULT_KUBELET_ROOT));
    }

    /** Where a host path is seen from here: under the host root, never above it. */
    private Path inHostRoot(String hostPath) {
        Path path = hostRoot.resolve(hostPath.replaceFirst("^/+", "")).normalize();
        return path.startsWith(hostRoot) ? path : hostRoot;
    }

    /** Every volume once, block volumes first, each in the order of its first path (sorted). */
    public List<Target> volumes() {
        return scan(true).targets();
    }

    /**
     * The volumes to probe and the block devices that back PersistentVolumes, in one pass.
     *
     * @param probing whether the volumes found will be probed. Otherwise the scan only tells which
     *                disks back PersistentVolumes: it returns no targets, and what it skips is
     *                logged at DEBUG, not INFO (nobody asked for volumes)
     */
    public KubeletVolumes scan(boolean probing) {
        Scan scan = new Scan(probing);
        // kubelet makes pods/ at start; a root without it is not kubelet's (a hostPath mount of a
        // missing directory is created empty by the container runtime).
        if (!Files.isDirectory(kubelet.resolve("pods"))) {
            if (!probing) {
                LOG.debug("no kubelet directory at {}: no disk is known to back a PersistentVolume", kubelet);
                return KubeletVolumes.none();
            }
            LOG.warn(
                    "no kubelet directory at {} (no pods/ in it): no volumes to probe; {} names kubelet's root",
                    kubelet,
                    KUBELET_ROOT_ENV);
            // Reported in the result as the volumes asked for, so a wrong root is an Error there
            // rather than a node that seems to have no volumes.
            return new KubeletVolumes(
                    List.of(),
                    Map.of(),
                    List.of(
                            Measurement.error(
                                    new Target(TargetKind.VOLUME, kubelet.toString(), null),
                                    null,
                                    "no kubelet root directory at "
                                            + kubelet + " (no pods/ in it): set the kubelet root the node uses ("
                                            + KUBELET_ROOT_ENV
                                            + "; microk8s: /var/snap/microk8s/common/var/lib/kubelet, k0s: /var/lib/k0s/kubelet)")));
        }
        MountTable mounts = MountTable.read(mountinfo);
        for (Path pv : list(kubelet.resolve("plugins/kubernetes.io/csi/volumeDevices"))) {
            String name = pv.getFileName().toString();
            if (name.equals("staging") || name.equals("publish")) {
                continue; // the CSI driver's own staging and publish paths, not PersistentVolumes
            }
            if (!Files.isDirectory(pv.resolve("dev"), LinkOption.NOFOLLOW_LINKS)) {
                LOG.atLevel(scan.skipped)
                        .log("skipped {}: no dev directory, not a CSI block volume layout this agent knows", pv);
                continue;
            }
            list(pv.resolve("dev")).forEach(node -> scan.block(node, name, true));
        }
        for (Path pod : list(kubelet.resolve("pods"))) {
            for (Path plugin : list(pod.resolve("volumeDevices"))) {
                String kind = plugin.getFileName().toString();
                boolean probed = kind.equals(CSI) || kind.equals(LOCAL);
                if (!probed) {
                    LOG.atLevel(scan.skipped)
                            .log(
                                    "skipped {}: block volumes of plugin {} are not read (only {} and {})",
                                    plugin,
                                    kind,
                                    CSI,
                                    LOCAL);
                }
                // Every plugin's entry names its PersistentVolume's device, probed or not.
                list(plugin).forEach(node -> scan.block(node, node.getFileName().toString(), probed));
            }
            for (Path plugin : list(pod.resolve("volumes"))) {
                String kind = plugin.getFileName().toString();
                if (kind.equals(CSI)) {
                    list(plugin)
                            .forEach(dir -> scan.filesystem(
                                    dir.resolve("mount"), dir.getFileName().toString(), mounts));
                } else if (kind.equals(LOCAL)) {
                    list(plugin)
                            .forEach(dir ->
                                    scan.filesystem(dir, dir.getFileName().toString(), mounts));
                } else if (NOT_PERSISTENT.contains(kind)) {
                    LOG.debug("skipped {}: not a PersistentVolume plugin", plugin);
                } else {
                    LOG.atLevel(scan.skipped)
                            .log(
                                    "skipped {}: volumes of plugin {} are not read (only {} and {})",
                                    plugin,
                                    kind,
                                    CSI,
                                    LOCAL);
                }
            }
        }
        mounts.under(kubelet.resolve("pods")).forEach(scan::podMount);
        mounts.under(kubelet.resolve("plugins/kubernetes.io/csi")).forEach(scan::stagingMount);
        return new KubeletVolumes(probing ? List.copyOf(scan.found.values()) : List.of(), scan.devices, List.of());
    }

    /** One pass over kubelet's directory: what it found so far, and how loudly it reports a skip. */
    private final class Scan {
        final Level skipped;
        final Level failed;
        final Map<String, Target> found = new LinkedHashMap<>();
        final Map<DeviceNumber, PersistentVolumeDevice> devices = new LinkedHashMap<>();

        Scan(boolean probing) {
            skipped = probing ? Level.INFO : Level.DEBUG;
            failed = probing ? Level.WARN : Level.DEBUG;
        }

        /** A block volume's device node (or a link to it); a target when {@code probed}. */
        void block(Path entry, String pv, boolean probed) {
            Path node = followWithinHost(entry, failed);
            if (node == null) {
                return;
            }
            Statx stat;
            try {
                // A stat of a device node reads kubelet's directory, never the device itself.
                stat = Statx.of(node.toString());
            } catch (NativeError e) {
                LOG.atLevel(failed)
                        .log(
                                "skipped block volume {} ({}): cannot stat {}: {}",
                                pv,
                                entry,
                                node,
                                Errno.describe(e.errno()));
                return;
            }
            if (!stat.isBlockDevice()) {
                LOG.atLevel(failed)
                        .log("skipped {}: expected the block device of volume {}, found something else", entry, pv);
                return;
            }
            DeviceNumber device = new DeviceNumber(stat.rdevMajor(), stat.rdevMinor());
            devices.putIfAbsent(device, new PersistentVolumeDevice(device, pv, "kubelet volumeDevices"));
            if (probed) {
                found.putIfAbsent("block:" + device, Target.volume(node.toString(), pv));
            }
        }

        /** Known mounted from mountinfo alone: a mount point is never a symlink, and is not stat-ed. */
        void filesystem(Path mountPoint, String pv, MountTable mounts) {
            mounts.source(mountPoint)
                    .ifPresentOrElse(
                            source ->
                                    found.putIfAbsent("filesystem:" + source, Target.volume(mountPoint.toString(), pv)),
                            () -> LOG.atLevel(skipped)
                                    .log(
                                            "skipped {}: volume {} is not mounted there (being set up or torn"
                                                    + " down, or the host's kubelet directory is mounted here without propagation)",
                                            mountPoint,
                                            pv));
        }

        /**
         * A mount in {@code pods/<uid>/volumes/<plugin>/<pv>}: of any plugin that holds
         * PersistentVolumes, probed or not (an in-tree cloud disk is mounted there too).
         */
        void podMount(MountTable.Mount mount) {
            Path inPods = kubelet.resolve("pods").relativize(mount.point());
            if (inPods.getNameCount() < 4
                    || !inPods.getName(1).toString().equals("volumes")
                    || NOT_PERSISTENT.contains(inPods.getName(2).toString())) {
                return;
            }
            String pv = inPods.getName(3).toString();
            blockDevice(mount)
                    .ifPresent(d -> devices.putIfAbsent(
                            d, new PersistentVolumeDevice(d, pv, "mounted by kubelet at " + mount.point())));
        }

        /**
         * A CSI volume staged for the node, mounted once at {@code <driver>/<sha256 of the volume
         * handle>/globalmount} (older kubelets: {@code pv/<pv>/globalmount}) and bind-mounted from
         * there into each pod. Staged but in no pod (yet, or any more), it still backs the volume.
         * Read after the pods' mounts, which name the PersistentVolume where the hash does not.
         */
        void stagingMount(MountTable.Mount mount) {
            Path dir = mount.point().getParent();
            if (!mount.point().getFileName().toString().equals("globalmount") || dir.getParent() == null) {
                return;
            }
            boolean namedLayout = dir.getParent().equals(kubelet.resolve("plugins/kubernetes.io/csi/pv"));
            String pv = namedLayout ? dir.getFileName().toString() : null;
            String foundBy = "staged by kubelet at " + mount.point() + (namedLayout ? "" : volumeHandle(dir));
            blockDevice(mount).ifPresent(d -> devices.putIfAbsent(d, new PersistentVolumeDevice(d, pv, foundBy)));
        }

        /**
         * The block device a mount is made from: its st_dev, unless that is anonymous (btrfs), then
         * the device its source names. The source is stat-ed in /dev only: devtmpfs, which never
         * waits on a disk; the mount point itself is not touched (it may be a dead NFS mount).
         */
        private Optional<DeviceNumber> blockDevice(MountTable.Mount mount) {
            Optional<DeviceNumber> dev = DeviceNumber.parse(mount.device());
            if (dev.isPresent() && !dev.get().anonymous()) {
                return dev;
            }
            if (!mount.source().startsWith("/dev/")) {
                return Optional.empty(); // tmpfs, NFS, a FUSE daemon: no block device of this node
            }
            try {
                Statx stat = Statx.of(mount.source());
                return stat.isBlockDevice()
                        ? Optional.of(new DeviceNumber(stat.rdevMajor(), stat.rdevMinor()))
                        : Optional.empty();
            } catch (NativeError e) {
                LOG.debug(
                        "{}: cannot stat its source {}: {}", mount.point(), mount.source(), Errno.describe(e.errno()));
                return Optional.empty();
            }
        }
    }

    /**
     * ", CSI volume handle H of driver D" from the {@code vol_data.json} kubelet writes next to a
     * staging mount (it holds no PersistentVolume name); empty when it cannot be read. Kubelet's
     * own file on the node's disk, not anything inside the volume.
     */
    private static String volumeHandle(Path stagingDir) {
        try {
            JsonNode data = JSON.readTree(stagingDir.resolve("vol_data.json").toFile());
            return ", CSI volume handle " + data.path("volumeHandle").asText("?") + " of driver "
                    + data.path("driverName").asText("?");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The entry with its symlinks followed, absolute targets taken as host paths; null (logged) when that fails. */
    private Path followWithinHost(Path entry, Level failed) {
        Path path = entry;
        try {
            for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(path); i++) {
                Path target = Files.readSymbolicLink(path);
                path = !target.isAbsolute()
                        ? path.resolveSibling(target)
                        : target.startsWith("/dev") ? target : inHostRoot(target.toString());
                path = path.normalize();
            }
        } catch (IOException e) {
            LOG.atLevel(failed).log("skipped {}: cannot read the link: {}", entry, e.getMessage());
            return null;
        }
        if (Files.isSymbolicLink(path)) {
            LOG.atLevel(failed).log("skipped {}: more than {} symlinks", entry, MAX_LINKS);
            return null;
        }
        return path;
    }

    /** A directory's entries, sorted; none (logged) when it cannot be read, none silently when it is absent. */
    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipped {}: cannot list it: {}", dir, e.getMessage());
            return List.of();
        }
    }
}
