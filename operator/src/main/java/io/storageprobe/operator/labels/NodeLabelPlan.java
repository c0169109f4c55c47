package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one probe wants on one node: its verdict label and, on Affected nodes when asked, the
 * taint. Pure: computes the node's new labels, taints and managed-keys annotation, touching
 * only entries this probe owns.
 *
 * @param labels     the node's labels after the change
 * @param taints     the node's taints after the change
 * @param annotation the new value of storageprobe.io/managed-labels, or null to remove it
 * @param changed    whether anything differs from the node as it is
 */
public record NodeLabelPlan(Map<String, String> labels, List<Taint> taints, String annotation, boolean changed) {

    /**
     * @param verdict the node's verdict, or null when the probe has nothing to say about this node
     *                (no result, not targeted, or the probe is being deleted): its entries are removed
     */
    public static NodeLabelPlan plan(Node node, String probe, Verdict verdict, NodeActions actions) {
        Map<String, String> labels = new HashMap<>(
                node.getMetadata().getLabels() == null
                        ? Map.of()
                        : node.getMetadata().getLabels());
        List<Taint> taints = new ArrayList<>(
                node.getSpec() == null || node.getSpec().getTaints() == null
                        ? List.of()
                        : node.getSpec().getTaints());
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null
                ? Map.of()
                : node.getMetadata().getAnnotations();
        String before = annotations.get(StorageProbe.MANAGED_LABELS_ANNOTATION);
        ManagedKeys managed = ManagedKeys.parse(before);
        Set<String> entries = new TreeSet<>(managed.entries());

        boolean label = verdict != null && (actions == null || actions.label() == null || actions.label());
        String labelKey = StorageProbe.verdictLabel(probe);
        if (label) {
            labels.put(labelKey, verdict.name());
            entries.add(labelKey);
        } else if (managed.owns(labelKey)) {
            labels.remove(labelKey);
            entries.remove(labelKey);
        }

        String effect = taintEffect(verdict, actions);
        // Our taints: key storageprobe.io/affected, value the probe's name; drop those no longer wanted.
        taints.removeIf(t -> {
            String entry = ManagedKeys.taintEntry(t.getKey(), t.getValue(), t.getEffect());
            boolean ours =
                    StorageProbe.AFFECTED_TAINT.equals(t.getKey()) && probe.equals(t.getValue()) && managed.owns(entry);
            if (ours && !t.getEffect().equals(effect)) {
                entries.remove(entry);
                return true;
            }
            return false;
        });
        entries.removeIf(e -> e.startsWith("taint:" + StorageProbe.AFFECTED_TAINT + "=" + probe + ":")
                && !e.equals(
                        effect == null ? null : ManagedKeys.taintEntry(StorageProbe.AFFECTED_TAINT, probe, effect)));
        if (effect != null) {
            // Taints are unique per key and effect: never take over one another probe or a human put there.
            boolean taken = taints.stream()
                    .anyMatch(t -> StorageProbe.AFFECTED_TAINT.equals(t.getKey()) && effect.equals(t.getEffect()));
            if (!taken) {
                taints.add(new TaintBuilder()
                        .withKey(StorageProbe.AFFECTED_TAINT)
                        .withValue(probe)
                        .withEffect(effect)
                        .build());
                entries.add(ManagedKeys.taintEntry(StorageProbe.AFFECTED_TAINT, probe, effect));
            }
        }

        String after = entries.isEmpty() ? null : new ManagedKeys(entries).format();
        boolean changed = !Objects.equals(
                        labels,
                        node.getMetadata().getLabels() == null
                                ? Map.of()
                                : node.getMetadata().getLabels())
                || !Objects.equals(
                        taints,
                        node.getSpec() == null || node.getSpec().getTaints() == null
                                ? List.of()
                                : node.getSpec().getTaints())
                || !Objects.equals(after, before);
        return new NodeLabelPlan(labels, taints, after, changed);
    }

    /** The effect of the taint this probe wants on a node with this verdict, or null for none. */
    static String taintEffect(Verdict verdict, NodeActions actions) {
        return verdict == Verdict.Affected
                        && actions != null
                        && actions.taint() != null
                        && actions.taint() != NodeActions.TaintAction.None
                ? actions.taint().name()
                : null;
    }
}
