package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One Affected volume listed under its StorageClass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AffectedVolume(
        @JsonPropertyDescription("The PersistentVolume.") String persistentVolume,

        @JsonPropertyDescription("The claim bound to it, namespace/name, when it has one.")
        String claim,

        @JsonPropertyDescription("The node it was probed on.")
        String node,

        @JsonPropertyDescription("Why it is Affected: the failing rules with their numbers.")
        String reason) {}
