package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which nodes the agent DaemonSet runs on, as the DaemonSet controller decides it: a Linux node
 * (kubernetes.io/os) of an architecture the agent image exists for (kubernetes.io/arch), the
 * nodeSelector matches and every NoSchedule/NoExecute taint is tolerated (the probes' own always is). Used to count
 * nodesTargeted, and so to know when every node has reported.
 */
public final class NodeTargeting {
    /** Set by kubelet on every node; Windows and some virtual-kubelet nodes carry another value. */
    public static final String OS_LABEL = "kubernetes.io/os";

    public static final String ARCH_LABEL = "kubernetes.io/arch";

    private NodeTargeting() {}

    /**
     * The agent pod's nodeSelector: Linux nodes only (the tolerate-all default would otherwise
     * put agents on Windows nodes), then spec.nodeSelector, which may name the OS itself.
     */
    public static Map<String, String> nodeSelector(StorageProbeSpec spec) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(OS_LABEL, "linux");
        if (spec != null && spec.nodeSelector() != null) {
            selector.putAll(spec.nodeSelector());
        }
        return selector;
    }

    /**
     * @param architectures the kubernetes.io/arch values the agent image has; empty: any
     */
    public static boolean targets(StorageProbeSpec spec, Node node, List<String> architectures) {
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        for (Map.Entry<String, String> e : nodeSelector(spec).entrySet()) {
            if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        if (!architectures.isEmpty() && !architectures.contains(labels.get(ARCH_LABEL))) {
            return false;
        }
        List<ProbeToleration> tolerations = spec == null ? null : spec.tolerations();
        if (tolerations == null || node.getSpec() == null || node.getSpec().getTaints() == null) {
            return true; // no tolerations given means tolerate everything
        }
        // The agent always tolerates the probes' own taint (AgentDaemonSet).
        return node.getSpec().getTaints().stream()
                .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .filter(t -> !StorageProbe.AFFECTED_TAINT.equals(t.getKey()))
                .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
    }

    static boolean tolerates(ProbeToleration tol, Taint taint) {
        if (tol.effect() != null && !tol.effect().name().equals(taint.getEffect())) {
            return false;
        }
        if (tol.key() == null || tol.key().isEmpty()) {
            return tol.operator() == ProbeToleration.TolerationOperator.Exists;
        }
        if (!tol.key().equals(taint.getKey())) {
            return false;
        }
        return tol.operator() == ProbeToleration.TolerationOperator.Exists
                || Objects.equals(emptyIfNull(tol.value()), emptyIfNull(taint.getValue()));
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s;
    }
}
