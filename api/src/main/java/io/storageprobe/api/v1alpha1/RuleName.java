package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** The built-in conformance rules; their names are part of the API. */
public enum RuleName {
    QEMU_LEGACY_DIO("qemu-legacy-dio"),
    DIO_ALIGNMENT_HONEST("dio-alignment-honest"),
    DIO_NOT_BUFFERED("dio-not-buffered");

    private final String ruleName;

    RuleName(String ruleName) {
        this.ruleName = ruleName;
    }

    @JsonValue
    public String ruleName() {
        return ruleName;
    }
}
