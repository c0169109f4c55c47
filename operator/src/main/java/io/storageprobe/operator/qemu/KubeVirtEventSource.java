package io.storageprobe.operator.qemu;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Polls the installed KubeVirt's release and reconciles every StorageProbe when it changes, so
 * that upgrading KubeVirt re-judges and relabels the nodes without touching a StorageProbe.
 * Polling rather than watching: the kubevirt.io API may not exist at all (no KubeVirt yet), which
 * an informer cannot start on, and one LIST per period is all this costs.
 */
public final class KubeVirtEventSource {
    private KubeVirtEventSource() {}

    public static PollingEventSource<KubeVirtRelease, StorageProbe, String> create(
            EventSourceContext<StorageProbe> context, Duration period) {
        KubernetesClient client = context.getClient();
        PollingEventSource.GenericResourceFetcher<KubeVirtRelease> fetcher = () -> {
            KubeVirtRelease release = KubeVirtLookup.find(client);
            // The same finding for every probe: each one's cached copy changes, each one reconciles.
            Map<ResourceID, Set<KubeVirtRelease>> perProbe = context.getPrimaryCache()
                    .list()
                    .collect(Collectors.toMap(ResourceID::fromResource, p -> Set.of(release)));
            return perProbe;
        };
        return new PollingEventSource<>(
                KubeVirtRelease.class,
                new PollingConfiguration<>(
                        "kubevirt-release", fetcher, period, ResourceIDMapper.singleResourceResourceIDMapper()));
    }
}
