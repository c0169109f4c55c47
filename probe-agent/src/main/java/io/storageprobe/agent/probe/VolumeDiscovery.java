package io.storageprobe.agent.probe;

import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.Statx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PersistentVolumes kubelet attached to this node, found in its directory
 * {@code <hostRoot>/var/lib/kubelet}, one {@link Target#volume} each. The layouts read, as
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
 * inside a volume: this runs in the parent process, which a hung volume must not block.
 * Symlinks are followed within the host root: an absolute link target is a host path.
 */
public final class VolumeDiscovery {
    public static final String HOST_ROOT_ENV = "STORAGEPROBE_HOST_ROOT";
    private static final Logger LOG = LoggerFactory.getLogger(VolumeDiscovery.class);
    static final String CSI = "kubernetes.io~csi";
    static final String LOCAL = "kubernetes.io~local-volume";
    /** Pod volume plugins that never hold a PersistentVolume: skipped without a word at INFO. */
    private static final Set<String> NOT_PERSISTENT = Set.of("kubernetes.io~secret", "kubernetes.io~configmap",
            "kubernetes.io~projected", "kubernetes.io~empty-dir", "kubernetes.io~downward-api");
    private static final int MAX_LINKS = 8;

    private final Path hostRoot;
    private final Path kubelet;
    private final Path mountinfo;

    public VolumeDiscovery(Path hostRoot) {
        this(hostRoot, Path.of("/proc/self/mountinfo"));
    }

    VolumeDiscovery(Path hostRoot, Path mountinfo) {
        this.hostRoot = hostRoot.toAbsolutePath().normalize();
        this.kubelet = this.hostRoot.resolve("var/lib/kubelet");
        this.mountinfo = mountinfo;
    }

    /** Under the host root the agent already uses ({@value #HOST_ROOT_ENV}, default /). */
    public static VolumeDiscovery fromEnvironment() {
        return new VolumeDiscovery(Path.of(System.getenv().getOrDefault(HOST_ROOT_ENV, "/")));
    }

    /** Every volume once, block volumes first, each in the order of its first path (sorted). */
    public List<Target> volumes() {
        if (!Files.isDirectory(kubelet)) {
            LOG.info("no kubelet directory at {}: no volumes to probe", kubelet);
            return List.of();
        }
        Map<String, Target> found = new LinkedHashMap<>();
        MountTable mounts = MountTable.read(mountinfo);
        for (Path pv : list(kubelet.resolve("plugins/kubernetes.io/csi/volumeDevices"))) {
            String name = pv.getFileName().toString();
            if (name.equals("staging") || name.equals("publish")) {
                continue; // the CSI driver's own staging and publish paths, not PersistentVolumes
            }
            if (!Files.isDirectory(pv.resolve("dev"), LinkOption.NOFOLLOW_LINKS)) {
                LOG.info("skipped {}: no dev directory, not a CSI block volume layout this agent knows", pv);
                continue;
            }
            list(pv.resolve("dev")).forEach(node -> block(node, name, found));
        }
        for (Path pod : list(kubelet.resolve("pods"))) {
            for (Path plugin : list(pod.resolve("volumeDevices"))) {
                String kind = plugin.getFileName().toString();
                if (kind.equals(CSI) || kind.equals(LOCAL)) {
                    list(plugin).forEach(node -> block(node, node.getFileName().toString(), found));
                } else {
                    LOG.info("skipped {}: block volumes of plugin {} are not read (only {} and {})", plugin, kind, CSI, LOCAL);
                }
            }
            for (Path plugin : list(pod.resolve("volumes"))) {
                String kind = plugin.getFileName().toString();
                if (kind.equals(CSI)) {
                    list(plugin).forEach(dir -> filesystem(dir.resolve("mount"), dir.getFileName().toString(), mounts, found));
                } else if (kind.equals(LOCAL)) {
                    list(plugin).forEach(dir -> filesystem(dir, dir.getFileName().toString(), mounts, found));
                } else if (NOT_PERSISTENT.contains(kind)) {
                    LOG.debug("skipped {}: not a PersistentVolume plugin", plugin);
                } else {
                    LOG.info("skipped {}: volumes of plugin {} are not read (only {} and {})", plugin, kind, CSI, LOCAL);
                }
            }
        }
        return List.copyOf(found.values());
    }

    private void block(Path entry, String pv, Map<String, Target> found) {
        Path node = followWithinHost(entry);
        if (node == null) {
            return;
        }
        Statx stat;
        try {
            // A stat of a device node reads kubelet's directory, never the device itself.
            stat = Statx.of(node.toString());
        } catch (NativeError e) {
            LOG.warn("skipped block volume {} ({}): cannot stat {}: {}", pv, entry, node, Errno.describe(e.errno()));
            return;
        }
        if (!stat.isBlockDevice()) {
            LOG.warn("skipped {}: expected the block device of volume {}, found something else", entry, pv);
            return;
        }
        found.putIfAbsent("block:" + stat.rdevMajor() + ":" + stat.rdevMinor(), Target.volume(node.toString(), pv));
    }

    private void filesystem(Path mountPoint, String pv, MountTable mounts, Map<String, Target> found) {
        if (Files.isSymbolicLink(mountPoint)) {
            LOG.warn("skipped {}: a symlink where kubelet mounts volume {}", mountPoint, pv);
            return;
        }
        mounts.source(mountPoint).ifPresentOrElse(
                source -> found.putIfAbsent("filesystem:" + source, Target.volume(mountPoint.toString(), pv)),
                () -> LOG.info("skipped {}: volume {} is not mounted there (being set up or torn down, or the host's"
                        + " kubelet directory is mounted here without propagation)", mountPoint, pv));
    }

    /** The entry with its symlinks followed, absolute targets taken as host paths; null (logged) when that fails. */
    private Path followWithinHost(Path entry) {
        Path path = entry;
        try {
            for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(path); i++) {
                Path target = Files.readSymbolicLink(path);
                path = target.isAbsolute() ? hostRoot.resolve(target.toString().substring(1))
                        : path.resolveSibling(target);
                path = path.normalize();
            }
        } catch (IOException e) {
            LOG.warn("skipped {}: cannot read the link: {}", entry, e.getMessage());
            return null;
        }
        if (Files.isSymbolicLink(path)) {
            LOG.warn("skipped {}: more than {} symlinks", entry, MAX_LINKS);
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
