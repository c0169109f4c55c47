package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.storageprobe.api.result.NodeResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One node's answer to one StorageProbe, named {@code <probe>.<node>}, written by the agent on
 * that node, read by the operator, owned by its StorageProbe. The spec is the agent's
 * {@link NodeResult}; there is no status because nobody but the agent writes it (the CRD's schema
 * has none either, see CheckedInCrdsTest).
 */
@Group(StorageProbe.GROUP)
@Version(StorageProbe.VERSION)
@Plural("storageproberesults")
@ShortNames("sproberesult")
@JsonClassDescription("One node's answer to one StorageProbe, named <probe>.<node>: what the agent on that node "
        + "measured per target, each rule's outcome and the node's verdict. Written by that agent only, read by the "
        + "operator, owned by the StorageProbe (deleted with it).")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node", type = Type.STRING)
@AdditionalPrinterColumn(name = "Verdict", jsonPath = ".spec.verdict", type = Type.STRING)
@AdditionalPrinterColumn(name = "Kernel", jsonPath = ".spec.kernelRelease", type = Type.STRING)
@AdditionalPrinterColumn(name = "Probed", jsonPath = ".spec.probeTime", type = Type.DATE)
public class StorageProbeResult extends CustomResource<NodeResult, Void> {

    @Override
    @JsonPropertyDescription(
            "What the agent measured on this node, each rule's outcome per target, and the node's verdict.")
    public NodeResult getSpec() {
        return super.getSpec();
    }

    /**
     * Annotation in which the agent puts the ServiceAccount token its Pod was given for
     * {@link #WRITER_TOKEN_AUDIENCE}: the operator asks the API server (TokenReview) whose Pod it
     * is, and counts the result only when that Pod is the probe's agent on the result's node
     * (docs/design.md, "Who may speak for a node"). An annotation, not a spec field: it is no fact
     * about the node, stays out of the printer columns, and the agent never reads it back.
     */
    public static final String WRITER_TOKEN_ANNOTATION = StorageProbe.GROUP + "/writer-token";
    /**
     * The audience of that token. The API server accepts only tokens for its own audiences, so a
     * token copied out of a result authenticates no request to it; only the operator's
     * TokenReview, which names this audience, accepts it.
     */
    public static final String WRITER_TOKEN_AUDIENCE = StorageProbe.GROUP + "/result";

    /** Longest object name the API server accepts (a DNS subdomain). */
    static final int MAX_NAME = 253;
    /** Longest label value. */
    static final int MAX_LABEL_VALUE = 63;

    /**
     * The result's name: {@code <probe>.<node>}. A node name may itself be 253 characters long; when
     * the two do not fit, the node part becomes a hash of the node name (the node label and
     * spec.node still say which node it is).
     */
    public static String nameFor(String probe, String node) {
        String name = probe + "." + node;
        return name.length() <= MAX_NAME ? name : probe + "." + sha256(node).substring(0, 16);
    }

    /** The storageprobe.io/node label value, or null when the node name is too long for a label. */
    public static String nodeLabelValue(String node) {
        return node != null && node.length() <= MAX_LABEL_VALUE ? node : null;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
