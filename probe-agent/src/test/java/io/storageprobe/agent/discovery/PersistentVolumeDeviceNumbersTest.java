package io.storageprobe.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which disks back PersistentVolumes, from a mount table and /sys/block written as the kernel
 * writes them: the matching is ours (the kernel is only read), so pure data pins it, including
 * device-mapper devices, which a test machine without the dm driver cannot make.
 */
class PersistentVolumeDeviceNumbersTest {
    private static final String POD = "0d0d0d0d-0000-4000-8000-00000000000d";

    @TempDir
    Path tmp;

    @Test
    void aDeviceMapperDiskMountedThroughDevMapperForAPodIsNotANodeDisk() throws IOException {
        Path host = kubeletHost();
        Path volume = host.resolve("var/lib/kubelet/pods/" + POD + "/volumes/kubernetes.io~csi/pvc-123/mount");
        Path mountinfo = Files.writeString(
                tmp.resolve("mountinfo"),
                String.join(
                        "\n",
                        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                        "700 22 253:3 / " + volume + " rw,relatime shared:300 - xfs /dev/mapper/topolvm-pvc--123 rw",
                        ""));
        Path sys = sysBlock(List.of("sda:8:0", "sda/sda1:8:1", "dm-3:253:3", "dm-4:253:4"));

        DeviceDiscovery discovery = new DeviceDiscovery(sys, new VolumeDiscovery(host, mountinfo));
        KubeletVolumes kubelet = discovery.kubeletVolumes(false);

        assertThat(kubelet.devices()).containsOnlyKeys(new DeviceNumber(253, 3));
        assertThat(kubelet.devices().get(new DeviceNumber(253, 3)).persistentVolume())
                .isEqualTo("pvc-123");
        assertThat(discovery.nodeDisks(List.of("sd*", "dm-*"), List.of(), kubelet))
                .as("the root disk stays a node disk; the other dm device backs nothing")
                .containsExactly(Target.device("dm-4"), Target.device("sda"));
    }

    @Test
    void aPartitionMountedForAPersistentVolumeTakesItsWholeDiskOut() throws IOException {
        Path host = kubeletHost();
        Path local = host.resolve("var/lib/kubelet/pods/" + POD + "/volumes/kubernetes.io~local-volume/local-pv-1");
        Path mountinfo = Files.writeString(
                tmp.resolve("mountinfo"),
                "701 22 8:17 /data " + local.toString().replace(" ", "\\040") + " rw - ext4 /dev/sdb1 rw\n");
        Path sys = sysBlock(List.of("sda:8:0", "sdb:8:16", "sdb/sdb1:8:17"));

        DeviceDiscovery discovery = new DeviceDiscovery(sys, new VolumeDiscovery(host, mountinfo));

        assertThat(discovery.nodeDisks(List.of("sd*"), List.of(), discovery.kubeletVolumes(false)))
                .containsExactly(Target.device("sda"));
    }

    @Test
    void secretsAndNetworkFilesystemsInPodsBackNoDisk() throws IOException {
        Path host = kubeletHost();
        Path pod = host.resolve("var/lib/kubelet/pods/" + POD + "/volumes");
        Path mountinfo = Files.writeString(
                tmp.resolve("mountinfo"),
                String.join(
                        "\n",
                        "702 22 0:55 / " + pod + "/kubernetes.io~projected/kube-api-access-x rw - tmpfs tmpfs rw",
                        "703 22 0:56 / " + pod + "/kubernetes.io~nfs/pv-nfs rw - nfs4 server:/export rw",
                        "704 22 8:0 / " + pod + "/kubernetes.io~empty-dir/cache rw - ext4 /dev/sda rw",
                        ""));

        VolumeDiscovery volumes = new VolumeDiscovery(host, mountinfo);

        assertThat(volumes.scan(false).devices()).isEmpty();
    }

    /** A host root with kubelet's root directory as kubelet makes it at start (pods/ in it). */
    private Path kubeletHost() throws IOException {
        Files.createDirectories(tmp.resolve("host/var/lib/kubelet/pods"));
        return tmp.resolve("host");
    }

    /** "name:MAJ:MIN" each; a "disk/part" name is a partition of that disk. */
    private Path sysBlock(List<String> devices) throws IOException {
        Path sys = tmp.resolve("sys/block");
        for (String d : devices) {
            String[] f = d.split(":");
            Path dir = Files.createDirectories(sys.resolve(f[0]));
            Files.writeString(dir.resolve("dev"), f[1] + ":" + f[2] + "\n");
            if (f[0].contains("/")) {
                Files.writeString(dir.resolve("partition"), "1\n");
            }
        }
        return sys;
    }
}
