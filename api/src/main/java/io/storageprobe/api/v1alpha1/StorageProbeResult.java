package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.storageprobe.api.result.NodeResult;

/**
 * One node's answer to one StorageProbe, named {@code <probe>.<node>}, written by the agent on
 * that node, read by the operator, owned by its StorageProbe. The spec is the agent's
 * {@link NodeResult}; there is no status because nobody but the agent writes it.
 */
@Group(StorageProbe.GROUP)
@Version(StorageProbe.VERSION)
@Plural("storageproberesults")
@ShortNames("sproberesult")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node", type = Type.STRING)
@AdditionalPrinterColumn(name = "Verdict", jsonPath = ".spec.verdict", type = Type.STRING)
@AdditionalPrinterColumn(name = "Kernel", jsonPath = ".spec.kernelRelease", type = Type.STRING)
@AdditionalPrinterColumn(name = "Probed", jsonPath = ".spec.probeTime", type = Type.DATE)
public class StorageProbeResult extends CustomResource<NodeResult, Void> {

    @Override
    @JsonPropertyDescription("What the agent measured on this node, each rule's outcome per target, and the node's verdict.")
    public NodeResult getSpec() {
        return super.getSpec();
    }

    /** The result's name: {@code <probe>.<node>}; both are DNS names, so the dot is unambiguous enough for humans. */
    public static String nameFor(String probe, String node) {
        return probe + "." + node;
    }
}
