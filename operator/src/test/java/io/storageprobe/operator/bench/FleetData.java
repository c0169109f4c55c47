package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.agent.fixture.KernelMatrixFixture;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The objects of a simulated fleet: nodes shaped like a kubelet's (labels, addresses, capacity,
 * conditions, node info, and the 50 container images a busy node holds: 15-20 KB of JSON, as on
 * real clusters where status.images alone is often 10-40 KB) and results as agents write them,
 * their facts replayed from real kernels (shared/fixtures/kernel-matrix-4k.txt) through the real rules.
 */
public final class FleetData {
    static final String COMPATIBLE_KERNEL = "7.3.4+deb13-amd64";
    static final String AFFECTED_KERNEL = "6.1.0-50-amd64";
    private static final Map<String, List<KernelMatrixFixture.MeasuredTarget>> MATRIX = KernelMatrixFixture.load();
    private static final RuleSet RULES = RuleSet.all();

    private FleetData() {}

    static String nodeName(int i) {
        return String.format("node-%05d", i);
    }

    /** 90% Compatible, 5% Affected, 3% Unsupported, 2% Error, spread evenly over the node numbers. */
    static Verdict verdictOf(int i) {
        int p = i % 100;
        return p < 90 ? Verdict.Compatible : p < 95 ? Verdict.Affected : p < 98 ? Verdict.Unsupported : Verdict.Error;
    }

    /** What a bench loaded: the StorageProbe as created, and how many results of each verdict. */
    record Loaded(StorageProbe probe, Map<Verdict, Integer> expected, double seconds) {}

    /**
     * One StorageProbe (labels and taint NoSchedule) and {@code nodes} Nodes with their results, as
     * if the operator were (re)started on a cluster whose agents already reported.
     */
    static Loaded load(KubernetesClient client, String probeName, int nodes, int threads) throws Exception {
        long start = System.nanoTime();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(probeName);
        probe.setSpec(new StorageProbeSpec(
                null, null, null, null, "6h", new NodeActions(true, NodeActions.TaintAction.NoSchedule), null, null));
        StorageProbe created = client.resource(probe).create();
        Map<Verdict, Integer> expected = new EnumMap<>(Verdict.class);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> loads = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int n = i;
                expected.merge(verdictOf(n), 1, Integer::sum);
                loads.add(pool.submit(() -> {
                    client.nodes().resource(node(n)).create();
                    client.resource(result(created, n, verdictOf(n))).create();
                }));
            }
            for (Future<?> f : loads) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new Loaded(created, expected, (System.nanoTime() - start) / 1e9);
    }

    /** The images a node with a few dozen workloads has pulled: two names each (tag and digest), and a size. */
    private static List<ContainerImage> images(int i) {
        List<ContainerImage> images = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            String repo =
                    String.format("registry.example.com/team-%02d/service-%02d-%s", k % 12, k, "abcdefgh".repeat(2));
            String digest = String.format("%064x", (long) i * 1_000 + k).replace(' ', '0');
            images.add(new ContainerImageBuilder()
                    .withNames(
                            repo + "@sha256:" + digest, repo + ":v1." + k + "." + (i % 7) + "-build-" + (20261100 + k))
                    .withSizeBytes(50_000_000L + 1_000_003L * k)
                    .build());
        }
        return images;
    }

    static Node node(int i) {
        String name = nodeName(i);
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .addToLabels("beta.kubernetes.io/os", "linux")
                .addToLabels("beta.kubernetes.io/arch", "amd64")
                .addToLabels("node.kubernetes.io/instance-type", "m6i.4xlarge")
                .addToLabels("topology.kubernetes.io/region", "eu-west-1")
                .addToLabels("topology.kubernetes.io/zone", "eu-west-1" + "abc".charAt(i % 3))
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
                .endMetadata()
                .withNewSpec()
                .withPodCIDR("10." + (i / 256) + "." + (i % 256) + ".0/24")
                .endSpec()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("172.16." + (i / 256) + "." + (i % 256))
                .endAddress()
                .addNewAddress()
                .withType("Hostname")
                .withAddress(name)
                .endAddress()
                .addToCapacity(Map.of(
                        "cpu",
                        new Quantity("16"),
                        "memory",
                        new Quantity("65536Mi"),
                        "pods",
                        new Quantity("110"),
                        "ephemeral-storage",
                        new Quantity("200Gi")))
                .addToAllocatable(Map.of(
                        "cpu",
                        new Quantity("15800m"),
                        "memory",
                        new Quantity("63000Mi"),
                        "pods",
                        new Quantity("110"),
                        "ephemeral-storage",
                        new Quantity("180Gi")))
                .addNewCondition()
                .withType("MemoryPressure")
                .withStatus("False")
                .withReason("KubeletHasSufficientMemory")
                .withMessage("kubelet has sufficient memory available")
                .withLastHeartbeatTime("2026-11-24T09:00:00Z")
                .withLastTransitionTime("2026-11-01T09:00:00Z")
                .endCondition()
                .addNewCondition()
                .withType("DiskPressure")
                .withStatus("False")
                .withReason("KubeletHasNoDiskPressure")
                .withMessage("kubelet has no disk pressure")
                .withLastHeartbeatTime("2026-11-24T09:00:00Z")
                .withLastTransitionTime("2026-11-01T09:00:00Z")
                .endCondition()
                .addNewCondition()
                .withType("PIDPressure")
                .withStatus("False")
                .withReason("KubeletHasSufficientPID")
                .withMessage("kubelet has sufficient PID available")
                .withLastHeartbeatTime("2026-11-24T09:00:00Z")
                .withLastTransitionTime("2026-11-01T09:00:00Z")
                .endCondition()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("kubelet is posting ready status")
                .withLastHeartbeatTime("2026-11-24T09:00:00Z")
                .withLastTransitionTime("2026-11-01T09:00:00Z")
                .endCondition()
                .withNewNodeInfo()
                .withArchitecture("amd64")
                .withBootID("b00t-" + i)
                .withContainerRuntimeVersion("containerd://1.7.24")
                .withKernelVersion(verdictOf(i) == Verdict.Affected ? AFFECTED_KERNEL : COMPATIBLE_KERNEL)
                .withKubeProxyVersion("v1.35.0")
                .withKubeletVersion("v1.35.0")
                .withMachineID("m" + i)
                .withOperatingSystem("linux")
                .withOsImage("Debian GNU/Linux 13 (trixie)")
                .withSystemUUID("u" + i)
                .endNodeInfo()
                .withImages(images(i))
                .endStatus()
                .build();
    }

    public static StorageProbeResult result(StorageProbe probe, int i, Verdict verdict) {
        String probeName = probe.getMetadata().getName();
        String node = nodeName(i);
        String kernel = verdict == Verdict.Affected ? AFFECTED_KERNEL : COMPATIBLE_KERNEL;
        List<TargetResult> targets = switch (verdict) {
            case Compatible, Affected ->
                MATRIX.get(kernel).stream()
                        .filter(m -> m.target().equals("raw"))
                        .map(m -> RULES.judge(new Measurement(
                                Target.device("nvme0n1"), "/dev/nvme0n1", null, "nvme0n1", m.facts(), null)))
                        .toList();
            case Unsupported ->
                List.of(RULES.judge(new Measurement(
                        Target.device("nvme0n1"),
                        "/dev/nvme0n1",
                        null,
                        "nvme0n1",
                        null,
                        new Measurement.Problem(
                                Measurement.Problem.Kind.UNSUPPORTED, "O_DIRECT is not supported on this device"))));
            case Error ->
                List.of(RULES.judge(Measurement.error(
                        Target.device("nvme0n1"), "/dev/nvme0n1", "open /dev/nvme0n1: Permission denied")));
        };
        StorageProbeResult r = new StorageProbeResult();
        r.setMetadata(new ObjectMetaBuilder()
                .withName(StorageProbeResult.nameFor(probeName, node))
                .addToLabels(StorageProbe.PROBE_LABEL, probeName)
                .addToLabels(StorageProbe.NODE_LABEL, node)
                .addToOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(StorageProbe.GROUP + "/" + StorageProbe.VERSION)
                        .withKind("StorageProbe")
                        .withName(probeName)
                        .withUid(probe.getMetadata().getUid())
                        .build())
                .build());
        r.setSpec(new NodeResult(
                probeName,
                node,
                kernel,
                "b00t-" + i,
                "Debian GNU/Linux 13 (trixie)",
                "2026-11-24T09:" + String.format("%02d:%02d", (i / 60) % 60, i % 60) + "Z",
                "0.1.0",
                targets,
                verdict,
                null));
        return r;
    }
}
