package io.storageprobe.operator.status;

/**
 * What a PersistentVolume says about itself that the StorageClass summary needs.
 *
 * @param storageClass spec.storageClassName; null or empty when it has none
 * @param claim        the bound claim as namespace/name (spec.claimRef), or null
 */
public record VolumeOwner(String storageClass, String claim) {}
