package io.storageprobe.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.storageprobe.operator.metrics.NodeVerdictGauges;
import io.storageprobe.operator.metrics.ProbeStateGauges;
import io.storageprobe.operator.metrics.StorageClassGauges;
import io.storageprobe.operator.reconciler.StorageProbeReconciler;
import io.storageprobe.operator.settings.OperatorSettings;
import java.util.function.Consumer;

/**
 * Builds and starts the JOSDK operator. Production ({@link OperatorMain}) and the tests go
 * through this one class, so the settings tested are the settings shipped.
 */
public final class StorageProbeOperator implements AutoCloseable {
    private final Operator operator;
    private final StorageProbeReconciler reconciler;

    private StorageProbeOperator(Operator operator, StorageProbeReconciler reconciler) {
        this.operator = operator;
        this.reconciler = reconciler;
    }

    public static StorageProbeOperator start(
            KubernetesClient client, OperatorSettings settings, MeterRegistry registry) {
        return start(client, settings, registry, o -> {});
    }

    /**
     * Status and finalizer go through server-side apply (JOSDK's default), which real API servers
     * handle (OperatorOnRealClusterRealIT). {@code apiServerQuirks} exists for the fabric8 mock
     * server of the fast tests, which answers SSA with 415; production passes nothing.
     */
    public static StorageProbeOperator start(
            KubernetesClient client,
            OperatorSettings settings,
            MeterRegistry registry,
            Consumer<ConfigurationServiceOverrider> apiServerQuirks) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            apiServerQuirks.accept(o);
        });
        StorageProbeReconciler reconciler = new StorageProbeReconciler(
                settings,
                new NodeVerdictGauges(registry),
                new StorageClassGauges(registry),
                new ProbeStateGauges(registry));
        operator.register(reconciler);
        operator.start();
        return new StorageProbeOperator(operator, reconciler);
    }

    public boolean ready() {
        return operator.getRuntimeInfo().isStarted()
                && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    @Override
    public void close() {
        operator.stop();
        reconciler.close();
    }
}
