package io.storageprobe.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.daemon.EngineProbeRunner;
import io.storageprobe.agent.daemon.ProbeSettings;
import io.storageprobe.agent.run.HungTargets;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.testing.FakeKubelet;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Disks that back PersistentVolumes are volume targets, never node disks: a {@link FakeKubelet}
 * whose volumes live on real loop devices (a block volume's node, filesystem mounts in pods, CSI
 * staging mounts, a partition, btrfs), next to one more loop device that backs nothing and so is
 * the node's own disk. The globs name these loop devices, as a StorageProbe's include can.
 */
class PersistentVolumeDisksTest {
    private FakeKubelet kubelet;
    private LoopDevice nodeDisk;

    @BeforeEach
    void createKubeletAndNodeDisk() throws Exception {
        kubelet = FakeKubelet.create();
        nodeDisk = LoopDevice.create(4096);
    }

    @AfterEach
    void removeThem() throws Exception {
        try {
            if (nodeDisk != null) {
                nodeDisk.close();
            }
        } finally {
            if (kubelet != null) {
                kubelet.close();
            }
        }
    }

    @Test
    void withoutVolumesEveryDiskBackingAPersistentVolumeIsLeftOutAndEachSkipIsLoggedOnce() throws Exception {
        Logged<List<Target>> found = logged(() -> discovery()
                .select(new TargetSelection(loops(), List.of(), null, null, null, false))
                .targets());

        assertThat(found.value()).containsExactly(Target.device(nodeDisk.name()));
        String log = found.log();
        // pv-512 is reached three times in kubelet's directory: one line.
        assertThat(log.split("skipping " + kubelet.block512().name() + ":", -1)).hasSize(2);
        assertThat(log)
                .contains("skipping " + kubelet.block512().name()
                        + ": backs PersistentVolume pv-512 (kubelet volumeDevices)");
        assertThat(log)
                .contains("skipping " + kubelet.block4k().name()
                        + ": backs PersistentVolume pv-4k (kubelet volumeDevices)");
        assertThat(log)
                .contains("skipping " + kubelet.ext4Disk().name()
                        + ": backs PersistentVolume pv-ext4 (mounted by kubelet at " + kubelet.ext4Volume() + ")");
        assertThat(log)
                .contains("skipping " + kubelet.stagedDisk().name() + ": backs PersistentVolume pv-staged through "
                        + kubelet.stagedDisk().name() + "p1 (staged by kubelet at " + kubelet.hostRoot()
                        + "/var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-staged/globalmount)");
        assertThat(log)
                .containsPattern("skipping " + kubelet.btrfsDisk().name()
                        + ": backs a PersistentVolume \\(staged by kubelet at "
                        + kubelet.hostRoot() + "/var/lib/kubelet/plugins/kubernetes.io/csi/" + FakeKubelet.BTRFS_DRIVER
                        + "/[0-9a-f]{64}/globalmount, CSI volume handle " + FakeKubelet.BTRFS_HANDLE + " of driver "
                        + FakeKubelet.BTRFS_DRIVER + "\\)");
        assertThat(log)
                .as("volumes are not probed: what discovery skips of them is not worth a word")
                .doesNotContain("kubernetes.io~nfs")
                .doesNotContain("pv-odd");
    }

    @Test
    void withVolumesEachPersistentVolumeDiskIsProbedOnceAsItsVolume() throws Exception {
        DeviceDiscovery discovery = discovery();
        Logged<List<Target>> found = logged(() -> {
            KubeletVolumes volumes = discovery.kubeletVolumes(true);
            List<Target> targets = new ArrayList<>(discovery.nodeDisks(loops(), List.of(), volumes));
            targets.addAll(volumes.targets());
            return targets;
        });

        assertThat(found.value())
                .filteredOn(t -> t.kind() == TargetKind.DEVICE)
                .containsExactly(Target.device(nodeDisk.name()));
        assertThat(found.value())
                .filteredOn(t -> t.kind() == TargetKind.VOLUME)
                .extracting(Target::persistentVolume)
                .containsExactly("pv-4k", "pv-512", "pv-ext4", "pv-empty");
        assertThat(found.log())
                .contains(
                        kubelet.block512().name()
                                + " backs PersistentVolume pv-512 (kubelet volumeDevices): probed as volume pv/pv-512, not as a node disk");
        assertThat(found.log())
                .as("staged only: no volume target, so the disk is skipped")
                .contains("skipping " + kubelet.stagedDisk().name() + ": backs PersistentVolume pv-staged");
    }

    @Test
    void aDeviceTheUserNamesIsProbedAsAskedEvenWhenItBacksAPersistentVolume() {
        assertThat(discovery()
                        .select(new TargetSelection(
                                null, null, List.of(kubelet.block512().device()), null, null, false))
                        .targets())
                .containsExactly(Target.device(kubelet.block512().device()));
    }

    @Test
    void theAgentsNodeResultHasNoPersistentVolumeDiskAmongItsDevices() {
        EngineProbeRunner runner = new EngineProbeRunner(Duration.ofSeconds(60), discovery(), new HungTargets());

        NodeResult withoutVolumes = runner.run("vmdisks", "worker-1", settings(false));
        assertThat(withoutVolumes.targets()).extracting(TargetResult::name).containsExactly(nodeDisk.name());

        NodeResult withVolumes = runner.run("vmdisks", "worker-1", settings(true));
        assertThat(withVolumes.targets())
                .filteredOn(t -> t.kind() == TargetKind.DEVICE)
                .extracting(TargetResult::name)
                .containsExactly(nodeDisk.name());
        assertThat(withVolumes.targets())
                .filteredOn(t -> t.kind() == TargetKind.VOLUME)
                .extracting(TargetResult::persistentVolume)
                .containsExactly("pv-4k", "pv-512", "pv-ext4", "pv-empty");
        assertThat(withVolumes.targets())
                .extracting(TargetResult::device)
                .as("each disk once")
                .doesNotHaveDuplicates();
    }

    private DeviceDiscovery discovery() {
        return new DeviceDiscovery(Path.of("/sys/block"), new VolumeDiscovery(kubelet.hostRoot()));
    }

    /** Globs that match exactly the node disk and the PersistentVolumes' disks. */
    private List<String> loops() {
        List<String> names = new ArrayList<>(List.of(nodeDisk.name()));
        kubelet.disks().forEach(d -> names.add(d.name()));
        return names;
    }

    private ProbeSettings settings(boolean volumes) {
        return new ProbeSettings(
                "uid",
                1,
                loops(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                Duration.ofMinutes(1),
                QemuInForce.unknown("test"),
                volumes);
    }

    record Logged<T>(T value, String log) {}

    /** slf4j-simple writes to whatever System.err is at the time of each line. */
    private static <T> Logged<T> logged(Callable<T> action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            T value = action.call();
            return new Logged<>(value, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
            System.err.print(captured.toString(StandardCharsets.UTF_8));
        }
    }
}
