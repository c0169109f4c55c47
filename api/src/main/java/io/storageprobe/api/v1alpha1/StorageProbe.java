package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What an admin applies: which nodes to probe, which storage targets, which rules decide the
 * verdict, and what to do with nodes that fail. Cluster-scoped: it is about nodes, not about a
 * namespace. The name ends up in the node label key {@code verdict.storageprobe.io/<name>},
 * hence the 63-character limit.
 */
@Group(StorageProbe.GROUP)
@Version(StorageProbe.VERSION)
@Plural("storageprobes")
@ShortNames("sprobe")
@JsonClassDescription("A StorageProbe makes the operator run a privileged agent on each selected node that probes the "
        + "O_DIRECT alignment behaviour of the node's disks, directories, files and attached volumes, judges it by "
        + "conformance rules for the QEMU in force, and labels (or taints) nodes whose storage breaks VM disk I/O. "
        + "Each node's answer is a StorageProbeResult named <probe>.<node>; the status sums them up.")
@ValidationRule(
        value = "self.metadata.name.size() <= 63",
        message =
                "metadata.name must be at most 63 characters: it is used in the node label key verdict.storageprobe.io/<name>",
        reason = "FieldValueInvalid")
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.summary.nodesTargeted", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Reported", jsonPath = ".status.summary.nodesReported", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Affected", jsonPath = ".status.summary.affected", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Latent", jsonPath = ".status.summary.latent", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Errors", jsonPath = ".status.summary.error", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "QEMU", jsonPath = ".status.qemu.version", type = Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class StorageProbe extends CustomResource<StorageProbeSpec, StorageProbeStatus> {
    public static final String GROUP = "storageprobe.io";
    public static final String VERSION = "v1alpha1";

    /** Label on results and agent pods naming their probe. */
    public static final String PROBE_LABEL = GROUP + "/probe";
    /** Label on results naming the node they describe. */
    public static final String NODE_LABEL = GROUP + "/node";
    /** Prefix of the node label carrying a node's verdict for one probe. */
    public static final String VERDICT_LABEL_PREFIX = "verdict." + GROUP + "/";
    /** Taint put on Affected nodes when nodeActions.taint asks for it. */
    public static final String AFFECTED_TAINT = GROUP + "/affected";
    /** Node annotation listing the label and taint keys the operator owns on that node. */
    public static final String MANAGED_LABELS_ANNOTATION = GROUP + "/managed-labels";

    @Override
    @JsonPropertyDescription(
            "What to probe, how often, and what to do with the nodes that fail. Every field is optional.")
    public StorageProbeSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator concluded from the agents' results. Written by the operator only.")
    public StorageProbeStatus getStatus() {
        return super.getStatus();
    }

    public static String verdictLabel(String probeName) {
        return VERDICT_LABEL_PREFIX + probeName;
    }
}
