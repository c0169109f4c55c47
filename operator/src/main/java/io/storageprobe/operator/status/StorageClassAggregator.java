package io.storageprobe.operator.status;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.AffectedVolume;
import io.storageprobe.api.v1alpha1.StorageClassSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups the probed volumes by the StorageClass of their PersistentVolume: "will a VM disk of
 * class X work on the nodes it landed on?". Pure, like {@link StatusAggregator}. Bounded: a
 * fixed number of examples per class and of classes, whatever the number of volumes.
 */
public final class StorageClassAggregator {
    private StorageClassAggregator() {}

    /**
     * @param results       judged results of the targeted nodes, volume targets included
     * @param volumes       every PersistentVolume the operator knows, by name
     * @param provisioners  every existing StorageClass, by name, with its provisioner
     */
    public static StorageClassReport aggregate(
            List<NodeResult> results, Map<String, VolumeOwner> volumes, Map<String, String> provisioners) {
        Map<String, Tally> byClass = new TreeMap<>();
        for (NodeResult r : results) {
            for (TargetResult t : r.targets() == null ? List.<TargetResult>of() : r.targets()) {
                if (t.kind() != TargetKind.VOLUME || t.verdict() == null) {
                    continue;
                }
                VolumeOwner owner = t.persistentVolume() == null ? null : volumes.get(t.persistentVolume());
                String storageClass = owner == null
                        ? StorageClassSummary.UNKNOWN_VOLUME
                        : owner.storageClass() == null || owner.storageClass().isEmpty()
                                ? StorageClassSummary.NO_CLASS
                                : owner.storageClass();
                byClass.computeIfAbsent(storageClass, c -> new Tally()).add(r.node(), t, owner);
            }
        }
        List<StorageClassSummary> classes = byClass.entrySet().stream()
                .limit(StorageClassSummary.MAX_STORAGE_CLASSES)
                .map(e -> e.getValue().summary(e.getKey(), provisioners))
                .toList();
        return new StorageClassReport(classes, byClass.size() > classes.size());
    }

    /** One class's counts while the volumes are walked. */
    private static final class Tally {
        private final Set<String> nodes = new TreeSet<>();
        private final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        private final List<AffectedVolume> affected = new ArrayList<>();
        private int volumes;

        void add(String node, TargetResult t, VolumeOwner owner) {
            nodes.add(node);
            volumes++;
            verdicts.merge(t.verdict(), 1, Integer::sum);
            if (t.verdict() == Verdict.Affected) {
                affected.add(new AffectedVolume(
                        t.persistentVolume(), owner == null ? null : owner.claim(), node, t.reason()));
            }
        }

        StorageClassSummary summary(String storageClass, Map<String, String> provisioners) {
            // The two markers name no StorageClass: whether "it" exists is no question there.
            boolean named = !storageClass.equals(StorageClassSummary.NO_CLASS)
                    && !storageClass.equals(StorageClassSummary.UNKNOWN_VOLUME);
            List<AffectedVolume> examples = affected.stream()
                    .sorted(Comparator.comparing(
                                    AffectedVolume::persistentVolume, Comparator.nullsFirst(Comparator.naturalOrder()))
                            .thenComparing(AffectedVolume::node))
                    .limit(StorageClassSummary.MAX_AFFECTED_VOLUMES)
                    .toList();
            return new StorageClassSummary(
                    storageClass,
                    named ? provisioners.containsKey(storageClass) : null,
                    named ? provisioners.get(storageClass) : null,
                    nodes.size(),
                    volumes,
                    verdicts.getOrDefault(Verdict.Compatible, 0),
                    verdicts.getOrDefault(Verdict.Unsupported, 0),
                    verdicts.getOrDefault(Verdict.Error, 0),
                    verdicts.getOrDefault(Verdict.Affected, 0),
                    examples,
                    affected.size() > examples.size());
        }
    }
}
