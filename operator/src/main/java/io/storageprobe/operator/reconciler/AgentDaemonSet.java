package io.storageprobe.operator.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.storageprobe.api.v1alpha1.AgentSpec;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import io.storageprobe.operator.settings.OperatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The agent DaemonSet a StorageProbe should have: the template in resources, edited per probe. */
public final class AgentDaemonSet {
    /** Annotation holding a hash of the desired object, so a change of spec is seen without a deep diff. */
    public static final String SPEC_HASH_ANNOTATION = StorageProbe.GROUP + "/desired-hash";
    /** Pod template annotation holding the StorageProbe's metadata.generation. */
    public static final String PROBE_GENERATION_ANNOTATION = StorageProbe.GROUP + "/probe-generation";

    private static final String TEMPLATE = "/agent-daemonset.yaml";
    private static final ObjectMapper CANONICAL_JSON =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private AgentDaemonSet() {}

    /** What a probe's DaemonSet name starts with; the rest is the probe's name. */
    static final String NAME_PREFIX = "storageprobe-agent-";

    public static String name(StorageProbe probe) {
        return NAME_PREFIX + probe.getMetadata().getName();
    }

    public static DaemonSet desired(StorageProbe probe, OperatorSettings settings) {
        StorageProbeSpec spec = probe.getSpec() == null
                ? new StorageProbeSpec(null, null, null, null, null, null, null, null)
                : probe.getSpec();
        String probeName = probe.getMetadata().getName();
        Map<String, String> selectorLabels =
                Map.of("app.kubernetes.io/name", "storageprobe-agent", StorageProbe.PROBE_LABEL, probeName);
        DaemonSet template = load();
        Container agent =
                template.getSpec().getTemplate().getSpec().getContainers().get(0);
        AgentSpec agentSpec = spec.agent();
        ContainerBuilder container = new ContainerBuilder(agent)
                .withImage(
                        agentSpec != null
                                        && agentSpec.image() != null
                                        && !agentSpec.image().isEmpty()
                                ? agentSpec.image()
                                : settings.agentImage())
                .addToCommand("--probe", probeName)
                .addAllToVolumeMounts(targetMounts(spec.targets()))
                .addToVolumeMounts(kubeletMount(AgentSpec.kubeletRootOf(agentSpec)))
                .addToEnv(new EnvVarBuilder()
                        .withName(KUBELET_ROOT_ENV)
                        .withValue(AgentSpec.kubeletRootOf(agentSpec))
                        .build())
                .addToVolumeMounts(WriterTokenVolume.mount())
                .addToEnv(WriterTokenVolume.env());
        if (agentSpec != null && agentSpec.resources() != null) {
            container.withResources(new ResourceRequirementsBuilder()
                    .withRequests(agentSpec.resources().requests())
                    .withLimits(agentSpec.resources().limits())
                    .build());
        }
        DaemonSet desired = new DaemonSetBuilder(template)
                .editMetadata()
                .withName(name(probe))
                .withNamespace(settings.namespace())
                .addToLabels(StorageProbe.PROBE_LABEL, probeName)
                .withOwnerReferences(ownerReference(probe))
                .endMetadata()
                .editSpec()
                .withNewSelector()
                .withMatchLabels(selectorLabels)
                .endSelector()
                .editTemplate()
                .editMetadata()
                .addToLabels(selectorLabels)
                .addToAnnotations(settings.agentPodAnnotations())
                .addToAnnotations(podAnnotations(probe))
                .endMetadata()
                .editSpec()
                .withServiceAccountName(settings.agentServiceAccount())
                .withNodeSelector(NodeTargeting.nodeSelector(spec))
                .withAffinity(architectureAffinity(settings.agentArchitectures()))
                .withImagePullSecrets(settings.agentImagePullSecrets().stream()
                        .map(n -> new LocalObjectReferenceBuilder().withName(n).build())
                        .toList())
                .withTolerations(tolerations(spec.tolerations()))
                .withPriorityClassName(agentSpec == null ? null : agentSpec.priorityClassName())
                .withContainers(container.build())
                .addAllToVolumes(targetVolumes(spec.targets()))
                .addToVolumes(kubeletVolume(AgentSpec.kubeletRootOf(agentSpec)))
                .addToVolumes(WriterTokenVolume.volume())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        desired.getMetadata().setAnnotations(Map.of(SPEC_HASH_ANNOTATION, hash(desired)));
        return desired;
    }

    /**
     * The probe's generation on the pod template: any spec change (rules, interval, targets) rolls
     * the agents, at most 10% of nodes at a time, and they start with the new spec. The agents'
     * own periodic re-read of the spec is then only a fallback.
     */
    private static Map<String, String> podAnnotations(StorageProbe probe) {
        Long generation = probe.getMetadata().getGeneration();
        return generation == null ? Map.of() : Map.of(PROBE_GENERATION_ANNOTATION, generation.toString());
    }

    public static OwnerReference ownerReference(StorageProbe probe) {
        return new OwnerReferenceBuilder()
                .withApiVersion(probe.getApiVersion())
                .withKind(probe.getKind())
                .withName(probe.getMetadata().getName())
                .withUid(probe.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /**
     * Default: tolerate every taint, so that tainted nodes are probed too. Given ones always gain
     * the probes' own taint: an agent kept off the node its verdict tainted could never see the
     * node recover, and the node would lose its label and taint and gain them back, over and over.
     */
    private static List<Toleration> tolerations(List<ProbeToleration> tolerations) {
        if (tolerations == null) {
            return List.of(new TolerationBuilder().withOperator("Exists").build());
        }
        List<Toleration> given = new ArrayList<>(tolerations.stream()
                .map(t -> new TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator() == null ? null : t.operator().name())
                        .withValue(t.value())
                        .withEffect(t.effect() == null ? null : t.effect().name())
                        .withTolerationSeconds(t.tolerationSeconds())
                        .build())
                .toList());
        given.add(new TolerationBuilder()
                .withKey(StorageProbe.AFFECTED_TAINT)
                .withOperator("Exists")
                .build());
        return given;
    }

    private static final String HOST_TO_CONTAINER = "HostToContainer";
    private static final String KUBELET_VOLUME = "host-kubelet";
    /** The kubelet root as a host path; the agent resolves it under STORAGEPROBE_HOST_ROOT. */
    static final String KUBELET_ROOT_ENV = "STORAGEPROBE_KUBELET_ROOT";
    /** STORAGEPROBE_HOST_ROOT in agent-daemonset.yaml. */
    private static final String HOST_ROOT = "/host";

    /**
     * Directories are mounted read-write (the agent makes a temporary file there); files read-only.
     * Both with HostToContainer (a recursive slave mount): without propagation the agent's mount
     * namespace keeps a private copy of every filesystem mounted below the path when the pod
     * started (e.g. each volume under /var/lib/kubelet), and that copy holds the filesystem after
     * the host unmounts it: an RBD unmap or iSCSI logout then fails as busy. As a slave, the
     * host's unmount reaches the copy too, and filesystems mounted later show up in the pod.
     */
    private static List<VolumeMount> targetMounts(Targets targets) {
        List<VolumeMount> mounts = new ArrayList<>();
        List<String> paths = targets == null || targets.paths() == null ? List.of() : targets.paths();
        List<String> files = targets == null || targets.files() == null ? List.of() : targets.files();
        for (int i = 0; i < paths.size(); i++) {
            mounts.add(new VolumeMountBuilder()
                    .withName("target-path-" + i)
                    .withMountPath(paths.get(i))
                    .withMountPropagation(HOST_TO_CONTAINER)
                    .build());
        }
        for (int i = 0; i < files.size(); i++) {
            mounts.add(new VolumeMountBuilder()
                    .withName("target-file-" + i)
                    .withMountPath(files.get(i))
                    .withReadOnly(true)
                    .withMountPropagation(HOST_TO_CONTAINER)
                    .build());
        }
        return mounts;
    }

    private static List<Volume> targetVolumes(Targets targets) {
        List<Volume> volumes = new ArrayList<>();
        List<String> paths = targets == null || targets.paths() == null ? List.of() : targets.paths();
        List<String> files = targets == null || targets.files() == null ? List.of() : targets.files();
        for (int i = 0; i < paths.size(); i++) {
            volumes.add(new VolumeBuilder()
                    .withName("target-path-" + i)
                    .withNewHostPath()
                    .withPath(paths.get(i))
                    .withType("Directory")
                    .endHostPath()
                    .build());
        }
        for (int i = 0; i < files.size(); i++) {
            volumes.add(new VolumeBuilder()
                    .withName("target-file-" + i)
                    .withNewHostPath()
                    .withPath(files.get(i))
                    .withType("File")
                    .endHostPath()
                    .build());
        }
        return volumes;
    }

    /**
     * kubelet's root, always (not only for volume targets): the agent finds attached volumes there
     * and recognises the disks that back PersistentVolumes. Read-only: it is only ever read.
     * HostToContainer: filesystem volumes that kubelet mounts after the agent started must show up
     * in here, or they look unmounted.
     */
    private static VolumeMount kubeletMount(String root) {
        return new VolumeMountBuilder()
                .withName(KUBELET_VOLUME)
                .withMountPath(HOST_ROOT + root)
                .withReadOnly(true)
                .withMountPropagation("HostToContainer")
                .build();
    }

    /**
     * DirectoryOrCreate, not Directory: on a node whose kubelet uses another root, Directory would
     * keep the whole pod in ContainerCreating and take the disk probes down with it. kubelet creates
     * an empty directory instead, and the agent reports that it finds no kubelet there.
     */
    private static Volume kubeletVolume(String root) {
        return new VolumeBuilder()
                .withName(KUBELET_VOLUME)
                .withNewHostPath()
                .withPath(root)
                .withType("DirectoryOrCreate")
                .endHostPath()
                .build();
    }

    /**
     * Only the architectures the agent image exists for: elsewhere the pod would never start
     * (exec format error) and leave a node without an agent. A list, hence an affinity, not a
     * nodeSelector. NodeTargeting counts the same nodes.
     */
    private static Affinity architectureAffinity(List<String> architectures) {
        if (architectures.isEmpty()) {
            return null;
        }
        return new AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey(NodeTargeting.ARCH_LABEL)
                .withOperator("In")
                .withValues(architectures)
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build();
    }

    private static DaemonSet load() {
        try (InputStream in = AgentDaemonSet.class.getResourceAsStream(TEMPLATE)) {
            return Serialization.unmarshal(new String(in.readAllBytes(), StandardCharsets.UTF_8), DaemonSet.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A hash of the object's content only. The JSON is written with every map's keys sorted:
     * in insertion order, a {@code Map.of} (whose iteration order is randomised per JVM) made the
     * hash differ between operator processes, and a restarted operator rewrote every DaemonSet.
     */
    static String hash(DaemonSet ds) {
        try {
            Object tree = CANONICAL_JSON.readValue(Serialization.asJson(ds), Object.class);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(CANONICAL_JSON.writeValueAsBytes(tree));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
