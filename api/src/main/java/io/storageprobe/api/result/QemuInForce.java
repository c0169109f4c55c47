package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The QEMU a verdict was judged for, and where that came from. A rule whose failure cannot break
 * this QEMU is reported as a latent finding and does not make a target Affected.
 *
 * @param version the QEMU version (e.g. 9.1.0), or null when unknown: then every rule counts
 * @param source  where it came from: spec, flag, KubeVirt, local, or none
 * @param message how it was found, or why it is unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QemuInForce(
        @JsonPropertyDescription(
                "The QEMU version verdicts are judged for (e.g. 9.1.0); absent when unknown, and then every rule counts.")
        String version,

        @JsonPropertyDescription(
                "Where the version came from: Spec (spec.qemu), KubeVirt (the installed KubeVirt's release), Flag (check --qemu), Local (the host's qemu-img), or None.")
        String source,

        @JsonPropertyDescription("How the version was found, or why it is unknown.")
        String message) {
    public static final String SPEC = "Spec", KUBEVIRT = "KubeVirt", FLAG = "Flag", LOCAL = "Local", NONE = "None";

    public static QemuInForce unknown(String why) {
        return new QemuInForce(null, NONE, why);
    }

    /** For tables and logs: "QEMU 9.1.0 (KubeVirt: ...)". */
    public String describe() {
        return (version == null ? "QEMU unknown, every rule counts" : "QEMU " + version) + " (" + source
                + (message == null ? "" : ": " + message) + ")";
    }
}
