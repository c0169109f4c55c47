package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.storageprobe.api.v1alpha1.AgentResources;
import io.storageprobe.api.v1alpha1.AgentSpec;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.settings.TestingOperatorSettings;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The agent DaemonSet follows the spec: selector, tolerations, mounts of the chosen paths, agent settings. */
class AgentDaemonSetTest {
    private static final OperatorSettings SETTINGS = TestingOperatorSettings.of(
            "ns", "img:default", "sa", "default", 0, OperatorSettings.DEFAULT_KUBEVIRT_POLL, true);

    @Test
    void mountsChosenPathsReadWriteAndFilesReadOnly() {
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(
                        null,
                        null,
                        new Targets(null, List.of("/var/lib/kubelet"), List.of("/srv/vm/disk.img"), null, null),
                        null,
                        null,
                        null,
                        null,
                        null)),
                SETTINGS);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/lib/kubelet");
            assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/srv/vm/disk.img");
            assertThat(m.getReadOnly()).isTrue();
        });
    }

    @Test
    void everyPathAndFileTargetFollowsTheHostsMountsAndUnmounts() {
        // Without propagation the agent would keep a private copy of every filesystem mounted under
        // a path target and hold it busy after the host unmounts it (RBD unmap, iSCSI logout fail).
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(
                        null,
                        null,
                        new Targets(
                                null,
                                List.of("/var/lib/kubelet", "/srv/vms"),
                                List.of("/srv/vm/disk.img", "/srv/vm/b.img"),
                                null,
                                null),
                        null,
                        null,
                        null,
                        null,
                        null)),
                SETTINGS);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> targetVolumes = ds.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().startsWith("target-"))
                .map(v -> v.getName())
                .toList();
        assertThat(targetVolumes).containsExactly("target-path-0", "target-path-1", "target-file-0", "target-file-1");
        assertThat(c.getVolumeMounts().stream().filter(m -> targetVolumes.contains(m.getName())))
                .extracting(m -> m.getMountPath(), m -> m.getMountPropagation())
                .containsExactly(
                        Tuple.tuple("/var/lib/kubelet", "HostToContainer"),
                        Tuple.tuple("/srv/vms", "HostToContainer"),
                        Tuple.tuple("/srv/vm/disk.img", "HostToContainer"),
                        Tuple.tuple("/srv/vm/b.img", "HostToContainer"));
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/kubelet");
            assertThat(v.getHostPath().getType()).isEqualTo("Directory");
        });
    }

    @Test
    void kubeletsRootIsAlwaysMountedReadOnlyWithHostMountsPropagatedAndNamedToTheAgent() {
        // Also without volume targets: disks that back PersistentVolumes are recognised from there.
        for (Targets targets : new Targets[] {
            null, new Targets(null, null, null, null, null), new Targets(null, null, null, true, null)
        }) {
            DaemonSet ds = AgentDaemonSet.desired(
                    probe(new StorageProbeSpec(null, null, targets, null, null, null, null, null)), SETTINGS);
            Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(env(c))
                    .containsEntry("STORAGEPROBE_HOST_ROOT", "/host")
                    .containsEntry("STORAGEPROBE_KUBELET_ROOT", "/var/lib/kubelet");
            assertThat(c.getVolumeMounts())
                    .filteredOn(m -> m.getMountPath().equals("/host/var/lib/kubelet"))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.getReadOnly()).isTrue();
                        assertThat(m.getMountPropagation()).isEqualTo("HostToContainer");
                        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                                .anySatisfy(v -> {
                                    assertThat(v.getName()).isEqualTo(m.getName());
                                    assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/kubelet");
                                    // Directory would keep the pod in ContainerCreating where the root is elsewhere.
                                    assertThat(v.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
                                });
                    });
        }
    }

    @Test
    void anotherKubeletRootIsMountedUnderTheHostRootAndPassedAsTheHostPath() {
        String k0s = "/var/lib/k0s/kubelet";
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(
                        null, null, null, null, null, null, new AgentSpec(null, null, null, k0s), null)),
                SETTINGS);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c)).containsEntry("STORAGEPROBE_KUBELET_ROOT", k0s);
        assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/host" + k0s));
        assertThat(c.getVolumeMounts())
                .noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/host/var/lib/kubelet"));
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getHostPath().getPath()).isEqualTo(k0s);
            assertThat(v.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        });
    }

    @Test
    void agentsRunOnLinuxNodesOfTheImagesArchitecturesOnly() {
        var pod = AgentDaemonSet.desired(
                        probe(new StorageProbeSpec(Map.of("disk", "ssd"), null, null, null, null, null, null, null)),
                        SETTINGS)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getNodeSelector())
                .containsEntry("kubernetes.io/os", "linux")
                .containsEntry("disk", "ssd");
        var term = pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        assertThat(term)
                .singleElement()
                .satisfies(t -> assertThat(t.getMatchExpressions())
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.getKey()).isEqualTo("kubernetes.io/arch");
                            assertThat(e.getOperator()).isEqualTo("In");
                            assertThat(e.getValues()).containsExactly("amd64");
                        }));
        OperatorSettings anyArch = new OperatorSettings(
                "ns",
                "img:default",
                "sa",
                "default",
                0,
                OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                List.of(),
                List.of(),
                Map.of(),
                true);
        assertThat(AgentDaemonSet.desired(
                                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), anyArch)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAffinity())
                .isNull();
    }

    @Test
    void agentPodsPullWithTheOperatorsPullSecrets() {
        OperatorSettings withSecrets = new OperatorSettings(
                "ns",
                "img:default",
                "sa",
                "default",
                0,
                OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                List.of("regcred", "mirror"),
                List.of("amd64"),
                Map.of(),
                true);
        var pod = AgentDaemonSet.desired(
                        probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), withSecrets)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred", "mirror");
        assertThat(AgentDaemonSet.desired(
                                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), SETTINGS)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getImagePullSecrets())
                .isEmpty();
    }

    @Test
    void agentPodsCarryTheOperatorsPodAnnotationsBesideTheProbeGeneration() {
        OperatorSettings openshift = new OperatorSettings(
                "ns",
                "img:default",
                "sa",
                "default",
                0,
                OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                List.of(),
                List.of("amd64"),
                Map.of("openshift.io/required-scc", "privileged"),
                true);
        StorageProbe probe = probe(new StorageProbeSpec(null, null, null, null, null, null, null, null));
        probe.getMetadata().setGeneration(2L);
        assertThat(AgentDaemonSet.desired(probe, openshift)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("openshift.io/required-scc", "privileged")
                .containsEntry(AgentDaemonSet.PROBE_GENERATION_ANNOTATION, "2");
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    }

    @Test
    void agentJvmKeepsGlibcToTwoMallocArenas() {
        // docs/performance.md "Trimming the agent": with the young generation capped, 2 MiB of RSS;
        // no JIT compiler, 5 MiB more.
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), SETTINGS);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c)).containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(env(c).get("JAVA_TOOL_OPTIONS"))
                .contains("-XX:MaxNewSize=2m")
                .contains("-Xint")
                .doesNotContain("TieredStopAtLevel");
    }

    @Test
    void agentSeesTheHostsOsReleaseSoItReportsTheNodesOs() {
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), SETTINGS);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("STORAGEPROBE_HOST_ROOT");
            assertThat(e.getValue()).isEqualTo("/host");
        });
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/host/etc/os-release");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/etc/os-release"));
    }

    @Test
    void agentReadsOnlyTheHostsBlockSysfsReadOnlyUnderTheHostRootNeverItsCgroupTree() {
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), SETTINGS);
        var pod = ds.getSpec().getTemplate().getSpec();
        List<String> sysPaths = pod.getVolumes().stream()
                .filter(v -> v.getHostPath() != null)
                .map(v -> v.getHostPath().getPath())
                .filter(p -> p.equals("/sys") || p.startsWith("/sys/"))
                .toList();
        assertThat(sysPaths).containsExactlyInAnyOrder("/sys/block", "/sys/class", "/sys/dev", "/sys/devices");
        List<String> sysVolumes = pod.getVolumes().stream()
                .filter(v -> v.getHostPath() != null
                        && sysPaths.contains(v.getHostPath().getPath()))
                .map(v -> v.getName())
                .toList();
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> sysVolumes.contains(m.getName()))
                .hasSize(4)
                .allSatisfy(m -> {
                    assertThat(m.getReadOnly()).isTrue();
                    assertThat(m.getMountPath()).startsWith("/host/sys/");
                });
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/sys"));
    }

    @Test
    void agentWithoutResourcesInTheSpecGetsTheMeasuredAgentAndChildrenFootprint() {
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(null, null, null, null, null, null, null, null)), SETTINGS);
        var resources =
                ds.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        // docs/performance.md "Footprint": agent and a probe child about 88 MiB at peak (cgroup-counted), 106 MiB
        // as VmRSS sum.
        assertThat(resources.getRequests()).containsEntry("memory", new Quantity("112Mi"));
        assertThat(resources.getLimits()).containsEntry("memory", new Quantity("192Mi"));
    }

    @Test
    void aNewProbeGenerationRollsTheAgentPods() {
        StorageProbe probe = probe(new StorageProbeSpec(null, null, null, null, null, null, null, null));
        probe.getMetadata().setGeneration(3L);
        DaemonSet before = AgentDaemonSet.desired(probe, SETTINGS);
        probe.getMetadata().setGeneration(4L);
        DaemonSet after = AgentDaemonSet.desired(probe, SETTINGS);
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(AgentDaemonSet.PROBE_GENERATION_ANNOTATION, "4");
        assertThat(after.getMetadata().getAnnotations().get(AgentDaemonSet.SPEC_HASH_ANNOTATION))
                .isNotEqualTo(before.getMetadata().getAnnotations().get(AgentDaemonSet.SPEC_HASH_ANNOTATION));
    }

    @Test
    void takesSelectorTolerationsAndAgentSettingsFromTheSpec() {
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(
                        Map.of("disk", "ssd"),
                        List.of(new ProbeToleration(
                                "dedicated",
                                ProbeToleration.TolerationOperator.Equal,
                                "vms",
                                ProbeToleration.TaintEffect.NoSchedule,
                                null)),
                        null,
                        null,
                        null,
                        null,
                        new AgentSpec(
                                "img:custom",
                                new AgentResources(null, Map.of("memory", new Quantity("128Mi"))),
                                "high"),
                        null)),
                SETTINGS);
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector())
                .containsExactly(Map.entry("kubernetes.io/os", "linux"), Map.entry("disk", "ssd"));
        assertThat(pod.getTolerations()).hasSize(2).first().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getOperator()).isEqualTo("Equal");
            assertThat(t.getValue()).isEqualTo("vms");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getTolerations().get(1))
                .as("the probes' own taint, always: the agent must see its node recover")
                .satisfies(t -> {
                    assertThat(t.getKey()).isEqualTo("storageprobe.io/affected");
                    assertThat(t.getOperator()).isEqualTo("Exists");
                    assertThat(t.getEffect()).isNull();
                });
        assertThat(pod.getPriorityClassName()).isEqualTo("high");
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("img:custom");
        assertThat(pod.getContainers().get(0).getResources().getLimits())
                .containsEntry("memory", new Quantity("128Mi"));
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("ns");
    }

    @Test
    void aSpecChangeChangesTheHashAndTheSameSpecKeepsIt() {
        StorageProbe a = probe(new StorageProbeSpec(null, null, null, null, "6h", null, null, null));
        StorageProbe b = probe(new StorageProbeSpec(Map.of("disk", "ssd"), null, null, null, "6h", null, null, null));
        String hashA = AgentDaemonSet.desired(a, SETTINGS)
                .getMetadata()
                .getAnnotations()
                .get(AgentDaemonSet.SPEC_HASH_ANNOTATION);
        assertThat(AgentDaemonSet.desired(a, SETTINGS).getMetadata().getAnnotations())
                .containsEntry(AgentDaemonSet.SPEC_HASH_ANNOTATION, hashA);
        assertThat(AgentDaemonSet.desired(b, SETTINGS)
                        .getMetadata()
                        .getAnnotations()
                        .get(AgentDaemonSet.SPEC_HASH_ANNOTATION))
                .isNotEqualTo(hashA);
    }

    @Test
    void theHashDependsOnContentNotOnTheIterationOrderOfItsMaps() {
        // Map.of iterates in an order randomised per JVM: the same DaemonSet in another operator
        // process can hold its selector's entries the other way round. Here both orders are made.
        DaemonSet ds = AgentDaemonSet.desired(
                probe(new StorageProbeSpec(
                        Map.of("disk", "ssd", "zone", "a"), null, null, null, null, null, null, null)),
                SETTINGS);
        DaemonSet reversed = new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder(ds).build();
        reversed.getSpec()
                .getSelector()
                .setMatchLabels(reversedCopy(ds.getSpec().getSelector().getMatchLabels()));
        reversed.getSpec()
                .getTemplate()
                .getMetadata()
                .setLabels(reversedCopy(ds.getSpec().getTemplate().getMetadata().getLabels()));
        reversed.getSpec()
                .getTemplate()
                .getSpec()
                .setNodeSelector(
                        reversedCopy(ds.getSpec().getTemplate().getSpec().getNodeSelector()));
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(reversed))
                .as("the two copies really serialise differently")
                .isNotEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asJson(ds));
        assertThat(AgentDaemonSet.hash(reversed)).isEqualTo(AgentDaemonSet.hash(ds));
    }

    private static Map<String, String> reversedCopy(Map<String, String> map) {
        List<String> keys = new java.util.ArrayList<>(map.keySet());
        java.util.Collections.reverse(keys);
        Map<String, String> copy = new java.util.LinkedHashMap<>();
        keys.forEach(k -> copy.put(k, map.get(k)));
        return copy;
    }

    @Test
    void theAgentGetsAPodBoundTokenForTheOperatorsAudienceOnlyAndItsPathInTheEnvironment() {
        DaemonSet ds = AgentDaemonSet.desired(probe(null), SETTINGS);
        var pod = ds.getSpec().getTemplate().getSpec();
        var volume = pod.getVolumes().stream()
                .filter(v -> v.getName().equals("writer-token"))
                .findFirst()
                .orElseThrow();
        var token = volume.getProjected().getSources().get(0).getServiceAccountToken();
        assertThat(token.getAudience())
                .isEqualTo(io.storageprobe.api.v1alpha1.StorageProbeResult.WRITER_TOKEN_AUDIENCE)
                .isEqualTo("storageprobe.io/result");
        assertThat(token.getExpirationSeconds()).isEqualTo(3600L);
        Container c = pod.getContainers().get(0);
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("writer-token");
            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/storageprobe.io/writer");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("STORAGEPROBE_WRITER_TOKEN_FILE");
            assertThat(e.getValue()).isEqualTo("/var/run/secrets/storageprobe.io/writer/token");
        });
        // The template's own variables stay: the downward API's node name above all.
        assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("NODE_NAME"));
    }

    @Test
    void selectorIsStableAndMatchesThePodLabels() {
        DaemonSet ds = AgentDaemonSet.desired(probe(null), SETTINGS);
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
        assertThat(ds.getSpec().getSelector().getMatchLabels()).containsEntry(StorageProbe.PROBE_LABEL, "p1");
    }

    private static StorageProbe probe(StorageProbeSpec spec) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName("p1");
        p.getMetadata().setUid("uid-1");
        p.setSpec(spec);
        return p;
    }
}
