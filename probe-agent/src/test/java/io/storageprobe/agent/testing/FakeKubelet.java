package io.storageprobe.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A host root in /var/tmp whose {@code var/lib/kubelet} holds volumes the way kubelet lays them
 * out, on real devices:
 * <ul>
 * <li>{@code pv-512}: a CSI block volume on a loop device with 512-byte sectors, its node in two
 *     pods' names (A and B) and pod A's symlink to it (an absolute host path), so reached 3 times;</li>
 * <li>{@code pv-4k}: a CSI block volume on a loop device with 4096-byte sectors (pod C);</li>
 * <li>{@code pv-ext4}: a CSI filesystem volume, ext4 on a 4096-byte-sector loop device, mounted
 *     (bind, as kubelet does) into pods B and C, holding {@link #IMAGE_BYTES} of non-zero
 *     {@code disk.img} and a small {@code notes.txt};</li>
 * <li>{@code pv-empty}: a local filesystem volume (tmpfs) with only a 100-byte file: no image;</li>
 * <li>two CSI volumes staged for the node but in no pod, so never probed, whose disks still back
 *     PersistentVolumes: {@code pv-staged}, ext4 on the first partition of a loop device, staged the
 *     way older kubelets name it ({@code plugins/kubernetes.io/csi/pv/pv-staged/globalmount}), and
 *     btrfs (its st_dev is anonymous: only the mount's source names the disk) on a loop device,
 *     staged at {@code plugins/kubernetes.io/csi/<driver>/<sha256 of the handle>/globalmount} with
 *     kubelet's {@code vol_data.json}, which names no PersistentVolume;</li>
 * <li>entries that are not volumes this agent reads: the CSI driver's staging directory, a PV
 *     directory without {@code dev}, an NFS plugin directory, a projected token volume.</li>
 * </ul>
 * {@link #close()} unmounts, detaches and deletes everything it made, in reverse order, also after
 * a failed step.
 */
public final class FakeKubelet implements AutoCloseable {
    public static final String POD_A = "0a0a0a0a-0000-4000-8000-00000000000a";
    public static final String POD_B = "0b0b0b0b-0000-4000-8000-00000000000b";
    public static final String POD_C = "0c0c0c0c-0000-4000-8000-00000000000c";
    public static final int IMAGE_BYTES = 1 << 20;
    public static final String BTRFS_DRIVER = "btrfs.csi.example";
    public static final String BTRFS_HANDLE = "vol-btrfs-1";
    private static final String CSI_DEVICES = "var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices";

    private final Deque<Undo> undo = new ArrayDeque<>();
    private final Path hostRoot;
    private LoopDevice block512;
    private LoopDevice block4k;
    private LoopDevice ext4Disk;
    private LoopDevice stagedDisk;
    private LoopDevice btrfsDisk;
    private Path ext4Volume;
    private Path emptyVolume;

    @FunctionalInterface
    private interface Undo {
        void run() throws IOException;
    }

    private FakeKubelet() throws IOException {
        hostRoot = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-kubelet-");
        undo.push(this::deleteTree);
    }

    public static FakeKubelet create() throws IOException {
        FakeKubelet k = new FakeKubelet();
        try {
            k.build();
            return k;
        } catch (IOException | RuntimeException e) {
            try {
                k.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void build() throws IOException {
        block512 = loop(LoopDevice.create(512));
        block4k = loop(LoopDevice.create(4096));
        ext4Disk = loop(LoopDevice.create(4096));
        Path global = ext4Disk.mount("ext4");
        ext4Disk.writeFile("disk.img", IMAGE_BYTES);
        ext4Disk.writeFile("notes.txt", 100);

        deviceNode(CSI_DEVICES + "/pv-512/dev/" + POD_A, block512);
        deviceNode(CSI_DEVICES + "/pv-512/dev/" + POD_B, block512);
        Path link = dir("var/lib/kubelet/pods/" + POD_A + "/volumeDevices/kubernetes.io~csi")
                .resolve("pv-512");
        Files.createSymbolicLink(link, Path.of("/" + CSI_DEVICES + "/pv-512/dev/" + POD_A));
        deviceNode(CSI_DEVICES + "/pv-4k/dev/" + POD_C, block4k);

        ext4Volume = bind(global, dir("var/lib/kubelet/pods/" + POD_C + "/volumes/kubernetes.io~csi/pv-ext4/mount"));
        bind(global, dir("var/lib/kubelet/pods/" + POD_B + "/volumes/kubernetes.io~csi/pv-ext4/mount"));
        emptyVolume = dir("var/lib/kubelet/pods/" + POD_C + "/volumes/kubernetes.io~local-volume/pv-empty");
        LoopDevice.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", emptyVolume.toString());
        undo.push(() -> LoopDevice.run("umount", emptyVolume.toString()));
        Files.write(emptyVolume.resolve("README"), new byte[100]);

        stagedDisk = loop(LoopDevice.createPartitioned(512));
        LoopDevice.run("mkfs.ext4", "-q", "-F", stagedDisk.device() + "p1");
        Path staged = dir("var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-staged/globalmount");
        LoopDevice.run("mount", "-t", "ext4", stagedDisk.device() + "p1", staged.toString());
        undo.push(() -> LoopDevice.run("umount", staged.toString()));

        btrfsDisk = loop(LoopDevice.create(512));
        Path btrfs = btrfsDisk.mount("btrfs");
        Path btrfsStaging =
                dir("var/lib/kubelet/plugins/kubernetes.io/csi/" + BTRFS_DRIVER + "/" + sha256(BTRFS_HANDLE));
        Files.writeString(
                btrfsStaging.resolve("vol_data.json"),
                "{\"driverName\":\"" + BTRFS_DRIVER + "\",\"volumeHandle\":\"" + BTRFS_HANDLE + "\"}");
        bind(btrfs, dir(hostRoot.relativize(btrfsStaging.resolve("globalmount")).toString()));

        dir(CSI_DEVICES + "/staging/pv-512");
        dir(CSI_DEVICES + "/pv-odd");
        dir("var/lib/kubelet/pods/" + POD_A + "/volumes/kubernetes.io~nfs/pv-nfs");
        dir("var/lib/kubelet/pods/" + POD_A + "/volumes/kubernetes.io~projected/kube-api-access-x");
    }

    public Path hostRoot() {
        return hostRoot;
    }

    public LoopDevice block512() {
        return block512;
    }

    public LoopDevice block4k() {
        return block4k;
    }

    /** The disk of pv-ext4. */
    public LoopDevice ext4Disk() {
        return ext4Disk;
    }

    /** The disk whose first partition is pv-staged. */
    public LoopDevice stagedDisk() {
        return stagedDisk;
    }

    /** The btrfs disk staged for volume handle {@link #BTRFS_HANDLE}. */
    public LoopDevice btrfsDisk() {
        return btrfsDisk;
    }

    /** Every loop device backing a PersistentVolume here. */
    public List<LoopDevice> disks() {
        return List.of(block512, block4k, ext4Disk, stagedDisk, btrfsDisk);
    }

    /** pv-ext4 as pod C sees it. */
    public Path ext4Volume() {
        return ext4Volume;
    }

    /** pv-empty: mounted, but with no disk image. */
    public Path emptyVolume() {
        return emptyVolume;
    }

    private LoopDevice loop(LoopDevice loop) {
        undo.push(loop::close);
        return loop;
    }

    private Path dir(String relative) throws IOException {
        return Files.createDirectories(hostRoot.resolve(relative));
    }

    /** A device node of the loop's major:minor, as kubelet bind-mounts a block volume's device. */
    private void deviceNode(String relative, LoopDevice loop) throws IOException {
        Path node = hostRoot.resolve(relative);
        Files.createDirectories(node.getParent());
        String[] majorMinor = Files.readString(Path.of("/sys/class/block", loop.name(), "dev"))
                .strip()
                .split(":");
        LoopDevice.run("mknod", node.toString(), "b", majorMinor[0], majorMinor[1]);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path bind(Path from, Path to) throws IOException {
        LoopDevice.run("mount", "--bind", from.toString(), to.toString());
        undo.push(() -> LoopDevice.run("umount", to.toString()));
        return to;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Last: everything mounted in the tree is unmounted by now, so this deletes only the tree itself. */
    private void deleteTree() throws IOException {
        if (!Files.exists(hostRoot)) {
            return;
        }
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        if (mounts.contains(" " + hostRoot + "/")) {
            throw new IOException("not deleting " + hostRoot + ": something is still mounted in it");
        }
        try (Stream<Path> paths = Files.walk(hostRoot)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
