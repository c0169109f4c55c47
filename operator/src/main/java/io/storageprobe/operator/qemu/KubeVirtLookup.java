package io.storageprobe.operator.qemu;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the installed KubeVirt: the {@code KubeVirt} resources (group kubevirt.io, any namespace)
 * and their {@code status.observedKubeVirtVersion}, the release actually deployed. A cluster has
 * one; with several, the oldest release wins, because its QEMU is the one most likely to break.
 */
public final class KubeVirtLookup {
    /**
     * Named in full rather than found by discovery: without KubeVirt there is nothing to discover,
     * and the LIST should then get a plain 404.
     */
    public static final ResourceDefinitionContext KUBEVIRT = new ResourceDefinitionContext.Builder()
            .withGroup("kubevirt.io")
            .withVersion("v1")
            .withKind("KubeVirt")
            .withPlural("kubevirts")
            .withNamespaced(true)
            .build();

    private KubeVirtLookup() {}

    public static KubeVirtRelease find(KubernetesClient client) {
        List<GenericKubernetesResource> items;
        try {
            items = client.genericKubernetesResources(KUBEVIRT)
                    .inAnyNamespace()
                    .list()
                    .getItems();
        } catch (KubernetesClientException e) {
            return switch (e.getCode()) {
                case 404 ->
                    KubeVirtRelease.none(
                            "KubeVirt is not installed (the API server does not serve kubevirts.kubevirt.io)");
                case 403 ->
                    KubeVirtRelease.lookupFailed(
                            "not allowed to list kubevirts.kubevirt.io (check the operator's ClusterRole)");
                default ->
                    KubeVirtRelease.lookupFailed("cannot list kubevirts.kubevirt.io: " + firstLine(e.getMessage()));
            };
        }
        if (items.isEmpty()) {
            return KubeVirtRelease.none("no KubeVirt resource in the cluster");
        }
        List<KubeVirtRelease> releases =
                items.stream().map(KubeVirtLookup::release).toList();
        // An unparsable release sorts first: it keeps the last known QEMU rather than letting a
        // newer KubeVirt next to it decide.
        return releases.stream()
                .filter(r -> r.version() != null)
                .min(Comparator.comparing(
                        r -> KubeVirtQemuTable.releaseOf(r.version()),
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .orElse(releases.get(0));
    }

    private static KubeVirtRelease release(GenericKubernetesResource kubevirt) {
        String name = kubevirt.getMetadata().getNamespace() + "/"
                + kubevirt.getMetadata().getName();
        Object status = kubevirt.getAdditionalProperties().get("status");
        Object version = status instanceof Map<?, ?> map ? map.get("observedKubeVirtVersion") : null;
        if (version == null || Objects.toString(version).isBlank()) {
            return new KubeVirtRelease(
                    null, name, "KubeVirt " + name + " has not reported status.observedKubeVirtVersion yet", false);
        }
        return KubeVirtRelease.of(version.toString(), name);
    }

    /** fabric8's messages can run to a whole response body; a status message needs the gist. */
    private static String firstLine(String message) {
        String line =
                message == null ? "no message" : message.lines().findFirst().orElse("no message");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
