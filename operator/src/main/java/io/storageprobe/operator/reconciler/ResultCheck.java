package io.storageprobe.operator.reconciler;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.Optional;

/**
 * Whether a result may be counted. The schema admits any strings, so an agent with a bug (or
 * anyone with the agent's permissions) can write a result about another node, another probe or
 * with no verdict; counting it would put a wrong verdict on a node. Such a result is left out of
 * the status and the labels, with its reason logged, and never fails the reconcile.
 */
final class ResultCheck {
    private ResultCheck() {}

    /** @return why {@code result} of probe {@code probe} is not counted, or empty when it is sound */
    static Optional<String> problem(StorageProbeResult result, String probe) {
        NodeResult spec = result.getSpec();
        if (spec == null) {
            return Optional.of("it has no spec");
        }
        if (spec.node() == null || spec.node().isEmpty()) {
            return Optional.of("spec.node is missing");
        }
        if (!probe.equals(spec.probe())) {
            return Optional.of("spec.probe is " + (spec.probe() == null ? "missing" : "'" + spec.probe() + "'")
                    + ", but its label says StorageProbe " + probe);
        }
        String expected = StorageProbeResult.nameFor(probe, spec.node());
        if (!expected.equals(result.getMetadata().getName())) {
            return Optional.of("its spec.node is " + spec.node() + ", whose result is named " + expected);
        }
        if (spec.verdict() == null) {
            return Optional.of("spec.verdict is missing");
        }
        return Optional.empty();
    }
}
