package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's pod spec on the real node (issue 18, and issue 19's sysfs point), with the chart
 * installed once by helm: a 4K loop device as a device target; {@code --volumes} targets that real
 * Pods mount through kubelet (local PersistentVolumes on loop devices, Block and Filesystem);
 * {@code paths} targets where the node mounts a filesystem after the agent started (it must be
 * released on unmount: HostToContainer) and where a FUSE filesystem hangs every stat (the agent
 * must stay under its memory limit and report it); then a {@code helm upgrade} that rolls the agents.
 *
 * <p>"The host" is the node's mount namespace (node-run.sh's, where kubelet runs): the machine's own
 * / is private, so mounts are made in there ({@link NodeHost}), as a node's root would make them.
 */
@ExtendWith(RealApiServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentPodOnNodeRealIT {
    private static final String NAMESPACE = "sp-agent";
    private static final String WORKLOADS = "sp-volumes";
    private static final String RELEASE = "agentnode";
    private static final String PROBE = "default";
    private static final String PAUSE = "storageprobe.test/pause:3.4";
    private static final String BLOCK_PV = "sp-it-block";
    private static final String FS_PV = "sp-it-fs";
    private static final String KUBELET_DIR = "/var/lib/kubelet/sp-it";
    private static final String MOUNTED_PATH = KUBELET_DIR + "/mounted";
    private static final String HUNG_PATH = KUBELET_DIR + "/hung";
    /** hangfs's one file, whose reads never return. */
    private static final String HUNG_FILE = HUNG_PATH + "/disk.img";

    private static final long LIMIT_BYTES = 192L * 1024 * 1024;

    private final TestCluster cluster;
    private final KubernetesClient admin;
    private TestNode node;
    private ChartOnNode on;
    private NodeHost host;
    /** The FUSE server and its mount; closed by the hung-target test, or at the end. */
    private NodeHost fuse;

    private Path work;
    private String deviceTarget;
    private String blockDevice;
    private String blockSha;
    private String fsMount;
    private String fsBefore;
    private boolean uninstalled;

    AgentPodOnNodeRealIT(TestCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    @BeforeAll
    void install(TestNode node) throws IOException {
        this.node = node;
        on = new ChartOnNode(cluster, node, NAMESPACE);
        host = new NodeHost(cluster);
        work = Files.createTempDirectory(Path.of("/var/tmp"), "sp-agent-node-");
        host.onClose(() -> {
            try {
                ChartOnNode.deleteTree(work);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        on.importImage();

        // A 4K device target, and the two local PersistentVolumes' devices.
        deviceTarget = host.loopDevice(work.resolve("device.img"), 64, 4096);
        blockDevice = host.loopDevice(work.resolve("block-pv.img"), 64, 512);
        String fsDevice = host.loopDevice(work.resolve("fs-pv.img"), 64, 512);
        host.run("mkfs.ext4", "-q", fsDevice);
        fsMount = work.resolve("fs-pv").toString();
        host.mount(fsDevice, fsMount);
        // A filesystem volume is probed through its VM disk image (KubeVirt's disk.img), read only.
        host.inNode(
                        "sh",
                        "-c",
                        "echo kept > '" + fsMount + "/marker' && head -c 1048576 /dev/urandom > '" + fsMount
                                + "/disk.img'")
                .orThrow();
        fsBefore = fsState();
        blockSha = sha256(work.resolve("block-pv.img"));
        for (String dir : List.of(MOUNTED_PATH, HUNG_PATH)) {
            host.inNode("mkdir", "-p", dir).orThrow();
        }
        host.onClose(() -> host.inNode("rm", "-rf", KUBELET_DIR));
        hangingFilesystem();

        volumesInUse();

        Path values = work.resolve("values.yaml");
        Files.writeString(values, """
                image:
                  pullPolicy: Never
                defaultProbe:
                  interval: 1m
                  targets:
                    devices:
                      include: [%s]
                      exclude: ["ram*"]
                    paths: [%s]
                    files: [%s]
                    volumes: true
                """.formatted(Path.of(deviceTarget).getFileName(), MOUNTED_PATH, HUNG_FILE));
        Path chart = ChartOnNode.copyWithoutKubeVersion(work.resolve("chart"));
        Command.Result install = on.helm(
                2,
                "install",
                RELEASE,
                chart.toString(),
                "--namespace",
                NAMESPACE,
                "--create-namespace",
                "--skip-crds",
                "--values",
                values.toString());
        assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
        on.waitForPod(ChartOnNode::isAgent, "the agent's Pod");
    }

    /**
     * hangfs (the agent's own test tool) at {@link #HUNG_PATH} in the node: its file's reads never
     * return, as on a dead disk or server. Before the agent starts: the file target's hostPath
     * (type File) is checked by kubelet when the Pod starts (a stat, which hangfs answers).
     */
    private void hangingFilesystem() {
        Path hangfs = work.resolve("hangfs");
        String flags = host.run("pkg-config", "fuse3", "--cflags", "--libs").trim();
        host.run(
                "sh",
                "-c",
                "gcc -o '" + hangfs + "' '" + ChartOnNode.REPO.resolve("probe-agent/src/test/c/hangfs.c") + "' "
                        + flags);
        fuse = new NodeHost(cluster);
        // Unmounted last: the server is killed first (pushed after), which releases every stuck reader.
        fuse.onClose(() -> fuse.unmountEventually(HUNG_PATH));
        try {
            fuse.startInNode(Map.of(), work.resolve("hangfs.log"), hangfs.toString(), "-f", "-s", HUNG_PATH);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        on.waitFor("the FUSE mount at " + HUNG_PATH, () -> fuse.mounted(HUNG_PATH) ? true : null);
    }

    /** Two Pods of the pause image using local PersistentVolumes on the node: one Block, one Filesystem. */
    private void volumesInUse() {
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(WORKLOADS)
                        .endMetadata()
                        .build())
                .create();
        admin.persistentVolumes()
                .resource(localVolume(BLOCK_PV, "Block", blockDevice, "block-claim"))
                .create();
        admin.persistentVolumes()
                .resource(localVolume(FS_PV, "Filesystem", fsMount, "fs-claim"))
                .create();
        admin.persistentVolumeClaims()
                .inNamespace(WORKLOADS)
                .resource(claim("block-claim", "Block", BLOCK_PV))
                .create();
        admin.persistentVolumeClaims()
                .inNamespace(WORKLOADS)
                .resource(claim("fs-claim", "Filesystem", FS_PV))
                .create();
        admin.pods()
                .inNamespace(WORKLOADS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("block-user")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("pause")
                        .withImage(PAUSE)
                        .withImagePullPolicy("Never")
                        .addNewVolumeDevice()
                        .withName("data")
                        .withDevicePath("/dev/xvda")
                        .endVolumeDevice()
                        .endContainer()
                        .addNewVolume()
                        .withName("data")
                        .withNewPersistentVolumeClaim("block-claim", false)
                        .endVolume()
                        .endSpec()
                        .build())
                .create();
        admin.pods()
                .inNamespace(WORKLOADS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("fs-user")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("pause")
                        .withImage(PAUSE)
                        .withImagePullPolicy("Never")
                        .addNewVolumeMount()
                        .withName("data")
                        .withMountPath("/data")
                        .endVolumeMount()
                        .endContainer()
                        .addNewVolume()
                        .withName("data")
                        .withNewPersistentVolumeClaim("fs-claim", false)
                        .endVolume()
                        .endSpec()
                        .build())
                .create();
        on.waitFor(
                "the volumes' Pods Running",
                () -> admin.pods().inNamespace(WORKLOADS).list().getItems().stream()
                                .allMatch(p -> "Running".equals(p.getStatus().getPhase()))
                        ? true
                        : null);
    }

    private static PersistentVolume localVolume(String name, String mode, String path, String claim) {
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("64Mi")))
                .withVolumeMode(mode)
                .withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withStorageClassName("sp-local")
                .withNewLocal()
                .withPath(path)
                .endLocal()
                .withNewClaimRef()
                .withNamespace(WORKLOADS)
                .withName(claim)
                .endClaimRef()
                .withNewNodeAffinity()
                .withNewRequired()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("kubernetes.io/hostname")
                .withOperator("In")
                .withValues(TestNode.NAME)
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequired()
                .endNodeAffinity()
                .endSpec()
                .build();
    }

    private static PersistentVolumeClaim claim(String name, String mode, String volume) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withVolumeMode(mode)
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("sp-local")
                .withVolumeName(volume)
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("64Mi")))
                .endResources()
                .endSpec()
                .build();
    }

    @Test
    @Order(1)
    void theAgentPodReadsSysfsUnderTheHostRootAndProbesTheVolumesRealPodsMountWithoutWritingToThem()
            throws IOException {
        List<TargetResult> targets = waitForResult(
                "a result with the device and both volumes",
                Instant.EPOCH,
                t -> find(
                                        t,
                                        r -> r.kind() == TargetKind.DEVICE
                                                && r.name()
                                                        .equals(Path.of(deviceTarget)
                                                                .getFileName()
                                                                .toString()))
                                .isPresent()
                        && volume(t, BLOCK_PV).isPresent()
                        && volume(t, FS_PV).isPresent());

        // Issue 19: the queue limits still come from sysfs, now /host/sys.
        TargetResult device = find(targets, r -> r.kind() == TargetKind.DEVICE).orElseThrow();
        assertThat(device.facts()).as("facts of " + device).isNotNull();
        assertThat(device.facts().logicalBlockSize())
                .as("the loop device's logical block size (sysfs queue)")
                .isEqualTo(4096);
        for (String pv : List.of(BLOCK_PV, FS_PV)) {
            TargetResult v = volume(targets, pv).orElseThrow();
            assertThat(v.verdict()).as("verdict of " + v).isNotNull();
        }
        assertThat(volume(targets, BLOCK_PV).orElseThrow().facts())
                .as("the Block volume was read")
                .isNotNull();
        assertThat(volume(targets, FS_PV).orElseThrow().facts())
                .as("the Filesystem volume's disk.img was read")
                .isNotNull();
        // Only ever read: the block PV's bytes and the filesystem PV's files and directory times are as they were.
        assertThat(sha256(work.resolve("block-pv.img")))
                .as("the Block PV's content")
                .isEqualTo(blockSha);
        assertThat(fsState())
                .as("the Filesystem PV's files and its directory's mtime/ctime")
                .isEqualTo(fsBefore);

        // Issue 19: no host cgroup tree in the container (the host's whole /sys would bring its cgroup submounts).
        List<String[]> mounts = agentMountinfo();
        assertThat(mounts)
                .as("the agent container's mounts")
                .noneSatisfy(m -> assertThat(m[4]).startsWith("/host/sys/fs"));
        assertThat(mounts)
                .as("cgroup mounts of the host's tree root in the agent container")
                .noneSatisfy(m -> {
                    assertThat(fsType(m)).isEqualTo("cgroup");
                    assertThat(m[3]).isEqualTo("/");
                });
        assertThat(mounts.stream().map(m -> m[4]).toList())
                .contains("/host/sys/block", "/host/sys/class", "/host/sys/dev", "/host/sys/devices");
        assertThat(mounts)
                .filteredOn(m -> m[4].startsWith("/host/sys/"))
                .allSatisfy(m -> assertThat(m[5]).startsWith("ro"));

        Pod agent = agentPod();
        NodeEvidence.section("agent on the node: pods", on.kubectl("get", "pods", "-A", "-o", "wide"));
        NodeEvidence.section(
                "agent on the node: the StorageProbe", on.kubectl("get", "storageprobe", PROBE, "-o", "yaml"));
        NodeEvidence.section(
                "agent on the node: the node's result (targets)",
                on.kubectl(
                        "get",
                        "storageproberesult",
                        StorageProbeResult.nameFor(PROBE, TestNode.NAME),
                        "-o",
                        "jsonpath={range .spec.targets[*]}{.kind} {.name} pv={.persistentVolume} device={.device} lbs={.facts.logicalBlockSize} {.verdict} {.reason}{\"\\n\"}{end}"));
        NodeEvidence.section("agent on the node: node labels and taints", on.nodeLabelsAndTaints());
        NodeEvidence.section(
                "agent on the node: a scrape of the agent Pod (storageprobe_ series, excerpt)",
                on.scrape(agent)
                        .lines()
                        .filter(l -> l.startsWith("storageprobe_") && !l.contains("_bucket"))
                        .limit(25)
                        .reduce("", (a, b) -> a + b + "\n"));
        NodeEvidence.section(
                "agent on the node: the agent container's /host mounts",
                mounts.stream()
                        .filter(m -> m[4].startsWith("/host") || fsType(m).startsWith("cgroup"))
                        .map(m -> m[4] + " root=" + m[3] + " " + m[5] + " " + fsType(m))
                        .reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    @Order(2)
    void aFilesystemMountedUnderAPathsTargetAfterTheAgentStartedIsProbedAndReleasedOnUnmount() throws IOException {
        try (NodeHost here = new NodeHost(cluster)) {
            String loop = here.loopDevice(work.resolve("paths.img"), 64, 512);
            here.run("mkfs.ext4", "-q", loop);
            Instant mark = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            here.mount(loop, MOUNTED_PATH);
            String name = Path.of(loop).getFileName().toString();
            List<TargetResult> targets = waitForResult(
                    "a probe of " + MOUNTED_PATH + " on " + name,
                    mark,
                    t -> find(t, r -> r.name().equals(MOUNTED_PATH) && name.equals(r.device()))
                            .isPresent());
            TargetResult probed =
                    find(targets, r -> r.name().equals(MOUNTED_PATH)).orElseThrow();
            assertThat(probed.filesystem()).isEqualTo("ext4");

            // The node unmounts, and nothing holds the filesystem: the agent's view was a slave copy.
            here.unmountEventually(MOUNTED_PATH);
            assertThat(here.mounted(MOUNTED_PATH))
                    .as(MOUNTED_PATH + " unmounted on the node")
                    .isFalse();
            here.detach(loop);
            // LOOP_CLR_FD on a device still open (a filesystem held by a private copy) only marks it
            // for autoclear and succeeds: the device detaches only when nothing holds it.
            boolean detached = false;
            for (int i = 0; i < 30 && !detached; i++) {
                detached = !NodeHost.attached(loop);
                if (!detached) {
                    ChartOnNode.sleep();
                }
            }
            assertThat(detached)
                    .as(loop + " detached after the node's unmount (the agent Pod keeps no copy of the mount)")
                    .isTrue();
            NodeEvidence.section(
                    "paths target: mounted after the agent started, then unmounted",
                    probed.kind() + " " + probed.name()
                            + " device=" + probed.device() + " fs=" + probed.filesystem() + " " + probed.verdict()
                            + "\nunmounted on the node; " + loop + " detached");
        }
    }

    @Test
    @Order(3)
    void aHungFuseTargetInThePodIsReportedAndTheAgentStaysUnderItsMemoryLimit() throws IOException {
        try {
            List<TargetResult> targets = waitForResult(
                    "the hung target reported",
                    Instant.EPOCH,
                    t -> find(
                                            t,
                                            r -> r.name().equals(HUNG_FILE)
                                                    && r.reason() != null
                                                    && (r.reason().contains("did not finish")
                                                            || r.reason().contains("still hung")))
                                    .isPresent()
                            && volume(t, BLOCK_PV).isPresent());
            TargetResult hung = find(targets, r -> r.name().equals(HUNG_FILE)).orElseThrow();
            assertThat(hung.facts()).as("the hung target has no measurement").isNull();
            assertThat(targets)
                    .filteredOn(r -> !r.name().equals(HUNG_FILE))
                    .as("every other target")
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.verdict()).as(r.name()).isNotNull());
            assertThat(find(targets, r -> r.kind() == TargetKind.DEVICE)
                            .orElseThrow()
                            .facts())
                    .as("the device beside it measured")
                    .isNotNull();
            // A later round with the probe still stuck: not read again, and said so.
            List<TargetResult> again = waitForResult(
                    "a round with the target still hung",
                    lastProbeTime(),
                    t -> find(
                                    t,
                                    r -> r.name().equals(HUNG_FILE)
                                            && r.reason() != null
                                            && r.reason().contains("still hung"))
                            .isPresent());
            TargetResult stillHung =
                    find(again, r -> r.name().equals(HUNG_FILE)).orElseThrow();

            Pod agent = agentPod();
            Path podCgroup = podMemoryCgroup(agent);
            long maxUsage = Long.parseLong(Files.readString(podCgroup.resolve("memory.max_usage_in_bytes"))
                    .trim());
            long limit = Long.parseLong(
                    Files.readString(podCgroup.resolve("memory.limit_in_bytes")).trim());
            String failcnt =
                    Files.readString(podCgroup.resolve("memory.failcnt")).trim();
            Map<String, Long> stat = memoryStat(podCgroup);
            String oomControl = Files.readString(podCgroup.resolve("memory.oom_control"));
            List<String> processes = podProcesses(podCgroup);
            // Each process's own peak resident set, summed: an upper bound of the memory the agent and
            // its children (stuck ones included) needed at once. memory.max_usage_in_bytes counts page
            // cache too (the image's files, the scratch files), which the kernel reclaims at the limit.
            long peaks = processes.stream()
                    .mapToLong(pid -> statusKb(pid, "VmHWM") * 1024)
                    .sum();
            ContainerStatus status = agent.getStatus().getContainerStatuses().get(0);
            NodeEvidence.section(
                    "hung FUSE target: memory of the agent Pod (cgroup v1, on the node)",
                    "memory.max_usage_in_bytes=" + maxUsage + " (" + mib(maxUsage) + " MiB), limit " + mib(limit)
                            + " MiB, failcnt "
                            + failcnt + " (reclaim at the limit)\nnow: total_rss " + mib(stat.get("total_rss"))
                            + " MiB, total_cache "
                            + mib(stat.get("total_cache")) + " MiB, total_mapped_file "
                            + mib(stat.get("total_mapped_file")) + " MiB\n"
                            + "oom_control: " + oomControl.replace('\n', ' ') + "\nprocesses (pid comm VmHWM VmRSS): "
                            + processes.stream()
                                    .map(pid -> pid + " " + comm(pid) + " " + statusKb(pid, "VmHWM") / 1024 + "/"
                                            + statusKb(pid, "VmRSS") / 1024 + " MiB")
                                    .toList()
                            + "\nsum of the processes' peak RSS: " + mib(peaks) + " MiB; restarts "
                            + status.getRestartCount()
                            + "\nhung target: " + hung.verdict() + ": " + hung.reason()
                            + "\nnext round: " + stillHung.verdict() + ": " + stillHung.reason()
                            + "\nothers: "
                            + again.stream()
                                    .filter(r -> !r.name().equals(HUNG_FILE))
                                    .map(r -> r.name() + "=" + r.verdict())
                                    .toList());
            assertThat(limit).as("the chart's limit on the Pod").isEqualTo(LIMIT_BYTES);
            assertThat(processes.size())
                    .as("the agent and its stuck probe child at least")
                    .isGreaterThanOrEqualTo(2);
            assertThat(peaks)
                    .as("the agent's and its children's peak RSS, summed (bytes)")
                    .isLessThan(LIMIT_BYTES);
            assertThat(stat.get("total_rss"))
                    .as("anonymous memory charged to the Pod now (bytes)")
                    .isLessThan(LIMIT_BYTES);
            assertThat(oomControl).as("memory.oom_control").containsPattern("(?m)^under_oom 0$");
            assertThat(oomControl).as("memory.oom_control").doesNotContainPattern("(?m)^oom_kill [1-9]");
            assertThat(status.getRestartCount()).as("agent restarts").isZero();
            assertThat(status.getLastState() == null || status.getLastState().getTerminated() == null)
                    .as("no terminated container (OOM)")
                    .isTrue();
        } finally {
            fuse.close();
            // A plain file where hangfs's was: the upgraded agent's Pod checks its file target's hostPath.
            host.inNode("sh", "-c", "head -c 65536 /dev/zero > '" + HUNG_FILE + "'")
                    .orThrow();
        }
        assertThat(fuse.mounted(HUNG_PATH))
                .as("the FUSE mount left on the node")
                .isFalse();
    }

    @Test
    @Order(4)
    void helmUpgradeWithChangedValuesRollsTheAgents() {
        Pod before = agentPod();
        Instant mark = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Command.Result upgrade = on.helm(
                4,
                "upgrade",
                RELEASE,
                work.resolve("chart/storageprobe").toString(),
                "--namespace",
                NAMESPACE,
                "--skip-crds",
                "--reuse-values",
                "--set",
                "defaultProbe.agent.resources.limits.memory=256Mi",
                "--wait",
                "--timeout",
                "3m");
        assertThat(upgrade.exitCode()).as(upgrade.stdout() + upgrade.stderr()).isZero();
        Pod after = on.waitFor("a new agent Pod Running with the new limit, the old one gone", () -> {
            List<Pod> agents = admin.pods().inNamespace(NAMESPACE).list().getItems().stream()
                    .filter(ChartOnNode::isAgent)
                    .toList();
            return agents.size() == 1
                            && !agents.get(0)
                                    .getMetadata()
                                    .getUid()
                                    .equals(before.getMetadata().getUid())
                            && "Running".equals(agents.get(0).getStatus().getPhase())
                    ? agents.get(0)
                    : null;
        });
        assertThat(after.getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits()
                        .get("memory"))
                .isEqualTo(new Quantity("256Mi"));
        assertThat(before.getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits()
                        .get("memory"))
                .isEqualTo(new Quantity("192Mi"));
        List<TargetResult> fresh = waitForResult("a result from the new agent", mark, t -> !t.isEmpty());
        assertThat(fresh).isNotEmpty();
        NodeEvidence.section(
                "helm upgrade: agents rolled",
                "before: " + before.getMetadata().getName() + " uid "
                        + before.getMetadata().getUid() + " limit 192Mi\nafter: "
                        + after.getMetadata().getName() + " uid "
                        + after.getMetadata().getUid() + " limit 256Mi, result at " + lastProbeTime());
    }

    @AfterAll
    void uninstallAndClean() {
        if (on == null) {
            return;
        }
        try {
            NodeEvidence.section(
                    "agent on the node: before helm uninstall",
                    on.kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                            + on.kubectl("get", "daemonsets", "-A")
                            + on.nodeLabelsAndTaints()
                            + on.kubectl("api-resources", "--api-group=storageprobe.io"));
            Command.Result uninstall = on.helm(6, "uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "6m");
            if (uninstall.exitCode() != 0) {
                System.out.println(on.podLogs());
                on.helm(2, "uninstall", RELEASE, "--namespace", NAMESPACE, "--no-hooks");
            }
            NodeEvidence.section(
                    "agent on the node: after helm uninstall",
                    on.kubectl("get", "storageprobes,storageproberesults", "-o", "wide")
                            + on.kubectl("get", "daemonsets", "-A")
                            + on.nodeLabelsAndTaints()
                            + on.kubectl("api-resources", "--api-group=storageprobe.io"));
        } finally {
            try {
                // Gone while the node still runs: its kubelet unmaps the volumes and confirms the Pods' end.
                for (String ns : List.of(WORKLOADS, NAMESPACE)) {
                    admin.namespaces().withName(ns).delete();
                }
                for (String ns : List.of(WORKLOADS, NAMESPACE)) {
                    admin.namespaces()
                            .withName(ns)
                            .waitUntilCondition(Objects::isNull, ChartOnNode.WAIT_MINUTES, TimeUnit.MINUTES);
                }
                for (String pv : List.of(BLOCK_PV, FS_PV)) {
                    admin.persistentVolumes().withName(pv).delete();
                    admin.persistentVolumes().withName(pv).waitUntilCondition(Objects::isNull, 2, TimeUnit.MINUTES);
                }
            } finally {
                if (fuse != null) {
                    fuse.close();
                }
                if (host != null) {
                    host.close();
                }
            }
        }
    }

    private List<TargetResult> waitForResult(String what, Instant after, Predicate<List<TargetResult>> done) {
        return on.waitFor(what, () -> {
            StorageProbeResult r = admin.resources(StorageProbeResult.class)
                    .withName(StorageProbeResult.nameFor(PROBE, TestNode.NAME))
                    .get();
            if (r == null
                    || r.getSpec() == null
                    || r.getSpec().targets() == null
                    || r.getSpec().probeTime() == null
                    || !Instant.parse(r.getSpec().probeTime()).isAfter(after)) {
                return null;
            }
            return done.test(r.getSpec().targets()) ? r.getSpec().targets() : null;
        });
    }

    private Instant lastProbeTime() {
        return Instant.parse(admin.resources(StorageProbeResult.class)
                .withName(StorageProbeResult.nameFor(PROBE, TestNode.NAME))
                .get()
                .getSpec()
                .probeTime());
    }

    private static Optional<TargetResult> find(List<TargetResult> targets, Predicate<TargetResult> which) {
        return targets.stream().filter(which).findFirst();
    }

    private static Optional<TargetResult> volume(List<TargetResult> targets, String pv) {
        return find(
                targets, r -> r.kind() == TargetKind.VOLUME && pv.equals(r.persistentVolume()) && r.verdict() != null);
    }

    private Pod agentPod() {
        return on.waitForPod(ChartOnNode::isAgent, "the agent's Pod");
    }

    /** The filesystem PV's files with their content, and its root directory's mtime and ctime (a file made and removed changes them). */
    private String fsState() {
        return host.inNode(
                        "sh",
                        "-c",
                        "cd '" + fsMount + "' && ls -A && cat marker && sha256sum disk.img && stat -c '%Y %Z' .")
                .orThrow()
                .stdout();
    }

    private String sha256(Path file) {
        return host.run("sha256sum", file.toString()).split(" ")[0];
    }

    /** The Pod's cgroup in the v1 memory hierarchy (kubelet's cgroupRoot is the node's own cgroup). */
    private static Path podMemoryCgroup(Pod pod) throws IOException {
        String dir = "pod" + pod.getMetadata().getUid();
        try (Stream<Path> found = Files.find(
                Path.of("/sys/fs/cgroup/memory"),
                6,
                (p, a) -> a.isDirectory()
                        && p.getFileName() != null
                        && p.getFileName().toString().equals(dir))) {
            return found.findFirst().orElseThrow(() -> new AssertionError("no memory cgroup " + dir));
        }
    }

    /** /proc/PID/mountinfo of the agent's JVM, split into fields (4: root, 5: mount point, 6: options). */
    private List<String[]> agentMountinfo() throws IOException {
        Path pod = podMemoryCgroup(agentPod());
        try (Stream<Path> containers = Files.list(pod)) {
            for (Path c : containers.filter(Files::isDirectory).toList()) {
                for (String pid : Files.readAllLines(c.resolve("cgroup.procs"))) {
                    // The agent's JVM (or a probe child: same mounts); the other container is the pause process.
                    String comm =
                            Files.readString(Path.of("/proc", pid, "comm")).trim();
                    if (!comm.equals("pause")) {
                        return Files.readAllLines(Path.of("/proc", pid, "mountinfo")).stream()
                                .map(l -> l.split(" "))
                                .toList();
                    }
                }
            }
        }
        throw new AssertionError("no agent process in " + pod);
    }

    private static long mib(Long bytes) {
        return bytes == null ? -1 : bytes / (1024 * 1024);
    }

    private static Map<String, Long> memoryStat(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("memory.stat")).stream()
                .map(l -> l.split(" "))
                .collect(java.util.stream.Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1])));
    }

    /** Every process in the Pod's containers but the pause container's. */
    private static List<String> podProcesses(Path podCgroup) throws IOException {
        List<String> pids = new java.util.ArrayList<>();
        try (Stream<Path> containers = Files.list(podCgroup)) {
            for (Path c : containers.filter(Files::isDirectory).toList()) {
                for (String pid : Files.readAllLines(c.resolve("cgroup.procs"))) {
                    if (!comm(pid).equals("pause")) {
                        pids.add(pid);
                    }
                }
            }
        }
        return pids;
    }

    private static String comm(String pid) {
        try {
            return Files.readString(Path.of("/proc", pid, "comm")).trim();
        } catch (IOException e) {
            return "(gone)";
        }
    }

    /** A kB field of /proc/PID/status; 0 for a process gone since, or a kernel thread's missing field. */
    private static long statusKb(String pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                    .filter(l -> l.startsWith(field + ":"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The filesystem type: the field after the " - " separator. */
    private static String fsType(String[] mountinfo) {
        for (int i = 6; i < mountinfo.length - 1; i++) {
            if (mountinfo[i].equals("-")) {
                return mountinfo[i + 1];
            }
        }
        return "";
    }
}
