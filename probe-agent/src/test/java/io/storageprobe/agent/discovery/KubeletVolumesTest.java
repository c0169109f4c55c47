package io.storageprobe.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.storageprobe.agent.access.TargetProber;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.testing.FakeKubelet;
import io.storageprobe.agent.testing.HangingFilesystem;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.VolumeSnapshot;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Volume targets on a fake kubelet directory over real loop devices and real mounts
 * ({@link FakeKubelet}): what discovery finds, and what probing them measures and leaves alone.
 */
class KubeletVolumesTest {
    private FakeKubelet kubelet;

    @BeforeEach
    void createKubeletTree() throws Exception {
        kubelet = FakeKubelet.create();
    }

    @AfterEach
    void removeKubeletTree() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    void findsEachAttachedVolumeOnceWithItsPersistentVolumeAndSkipsWhatIsNotAVolume() {
        List<Target> volumes = new VolumeDiscovery(kubelet.hostRoot()).volumes();

        // pv-512 is reached three times (two pods' nodes, one pod symlink) and pv-ext4 through two
        // pods' mounts: each is one target. staging, pv-odd, NFS and projected entries are skipped.
        assertThat(volumes)
                .extracting(Target::persistentVolume)
                .containsExactly("pv-4k", "pv-512", "pv-ext4", "pv-empty");
        assertThat(volumes).extracting(Target::kind).containsOnly(TargetKind.VOLUME);
        assertThat(volumes.get(1).name())
                .isEqualTo(kubelet.hostRoot() + "/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/pv-512/dev/"
                        + FakeKubelet.POD_A);
        assertThat(volumes.get(2).name())
                .as("the first pod's mount, in uid order")
                .isEqualTo(kubelet.ext4Volume().toString().replace(FakeKubelet.POD_C, FakeKubelet.POD_B));
    }

    @Test
    void aVolumeNotMountedWhereKubeletMountsItIsSkipped() throws Exception {
        java.nio.file.Path unmounted = kubelet.hostRoot()
                .resolve("var/lib/kubelet/pods/" + FakeKubelet.POD_A + "/volumes/kubernetes.io~csi/pv-gone/mount");
        java.nio.file.Files.createDirectories(unmounted);
        assertThat(new VolumeDiscovery(kubelet.hostRoot()).volumes())
                .extracting(Target::persistentVolume)
                .doesNotContain("pv-gone")
                .contains("pv-ext4");
    }

    @Test
    void blockVolumesAreProbedLikeDisksAndFilesystemVolumesThroughTheirImageWithoutChangingAnything() throws Exception {
        VolumeSnapshot ext4Before = VolumeSnapshot.of(kubelet.ext4Volume());
        VolumeSnapshot emptyBefore = VolumeSnapshot.of(kubelet.emptyVolume());

        Map<String, Measurement> measured = new VolumeDiscovery(kubelet.hostRoot())
                .volumes().stream()
                        .map(new TargetProber()::measure)
                        .collect(Collectors.toMap(m -> m.target().persistentVolume(), Function.identity()));

        Measurement small = measured.get("pv-512");
        assertThat(small.problem()).isNull();
        assertThat(small.device())
                .as("named after the device, not the pod uid")
                .isEqualTo(kubelet.block512().name());
        assertThat(small.facts().logicalBlockSize()).isEqualTo(512);
        assertThat(small.facts().probedRequestAlignment()).isEqualTo(512);

        Measurement large = measured.get("pv-4k");
        assertThat(large.problem()).isNull();
        assertThat(large.device()).isEqualTo(kubelet.block4k().name());
        assertThat(large.facts().logicalBlockSize()).isEqualTo(4096);
        assertThat(large.facts().probedRequestAlignment()).isEqualTo(4096);

        Measurement image = measured.get("pv-ext4");
        assertThat(image.problem()).isNull();
        assertThat(image.filesystem()).isEqualTo("ext4");
        assertThat(image.path()).endsWith("/pv-ext4/mount/disk.img");
        assertThat(image.facts().logicalBlockSize()).isEqualTo(4096);
        assertThat(image.facts().writeProbe())
                .as("nothing in a volume is written")
                .isNull();

        Measurement empty = measured.get("pv-empty");
        assertThat(empty.problem().kind()).isEqualTo(Measurement.Problem.Kind.UNSUPPORTED);
        assertThat(empty.problem().reason()).startsWith("no disk image in " + kubelet.emptyVolume());
        assertThat(RuleSet.all().judge(empty).persistentVolume()).isEqualTo("pv-empty");
        assertThat(RuleSet.all().judge(image).persistentVolume()).isEqualTo("pv-ext4");

        VolumeSnapshot ext4After = VolumeSnapshot.of(kubelet.ext4Volume());
        assertThat(ext4After.contents()).containsKeys("disk.img", "notes.txt", "lost+found");
        assertThat(ext4After).isEqualTo(ext4Before);
        assertThat(ext4After.mtimes().get("disk.img"))
                .isEqualTo(ext4Before.mtimes().get("disk.img"));
        assertThat(VolumeSnapshot.of(kubelet.emptyVolume())).isEqualTo(emptyBefore);
    }

    @Test
    void aVolumeWhoseServerIsDeadIsFoundWithoutTouchingItsMountPoint() throws Exception {
        // A stat of this mount point never returns, as on a dead NFS server (kubernetes#35038).
        Path mountPoint = Files.createDirectories(kubelet.hostRoot()
                .resolve("var/lib/kubelet/pods/" + FakeKubelet.POD_A + "/volumes/kubernetes.io~local-volume/pv-dead"));
        try (HangingFilesystem dead = HangingFilesystem.mountDeadAt(mountPoint)) {
            // Not a speed limit: without it a regression hangs the build instead of failing it.
            List<Target> volumes = assertTimeoutPreemptively(
                    Duration.ofMinutes(2), () -> new VolumeDiscovery(kubelet.hostRoot()).volumes());
            assertThat(volumes).extracting(Target::persistentVolume).contains("pv-dead", "pv-ext4", "pv-4k");
        }
    }

    @Test
    void aLocalBlockVolumeLinkedToTheHostsDevIsProbedThroughTheAgentsDev() throws Exception {
        // kubelet links a local block PersistentVolume to its own path, here /dev/loopN: the host's
        // /dev, which the agent Pod mounts at its /dev, not under the host root.
        try (LoopDevice disk = LoopDevice.create(4096)) {
            Path plugin = Files.createDirectories(kubelet.hostRoot()
                    .resolve(
                            "var/lib/kubelet/pods/" + FakeKubelet.POD_C + "/volumeDevices/kubernetes.io~local-volume"));
            Files.createSymbolicLink(plugin.resolve("pv-local"), Path.of(disk.device()));

            List<Target> volumes = new VolumeDiscovery(kubelet.hostRoot()).volumes();

            assertThat(volumes)
                    .filteredOn(t -> "pv-local".equals(t.persistentVolume()))
                    .extracting(Target::name)
                    .containsExactly(disk.device());
            Files.delete(plugin.resolve("pv-local"));
        }
    }

    @Test
    void aKubeletRootThatIsNotThereIsReportedInTheResultWhenVolumesAreAsked() {
        VolumeDiscovery microk8s = new VolumeDiscovery(kubelet.hostRoot(), "/var/snap/microk8s/common/var/lib/kubelet");

        assertThat(microk8s.scan(false)).isEqualTo(KubeletVolumes.none());
        KubeletVolumes scanned = microk8s.scan(true);
        assertThat(scanned.targets())
                .as("no volume target stands in for the missing root")
                .isEmpty();
        assertThat(scanned.problems()).hasSize(1);
        Measurement missing = scanned.problems().get(0);
        assertThat(missing.target())
                .isEqualTo(new Target(
                        TargetKind.VOLUME,
                        kubelet.hostRoot()
                                .resolve("var/snap/microk8s/common/var/lib/kubelet")
                                .toString(),
                        null));
        assertThat(missing.problem().reason())
                .startsWith("no kubelet root directory at "
                        + kubelet.hostRoot().resolve("var/snap/microk8s/common/var/lib/kubelet"));
        assertThat(RuleSet.all().judge(missing).verdict())
                .as("an Error in the result, as before")
                .isEqualTo(Verdict.Error);
        assertThat(new VolumeDiscovery(kubelet.hostRoot(), "var/lib/kubelet/").volumes())
                .as("the default root, however written")
                .extracting(Target::persistentVolume)
                .contains("pv-ext4");
    }
}
