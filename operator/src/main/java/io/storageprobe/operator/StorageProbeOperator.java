package io.storageprobe.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.storageprobe.operator.metrics.NodeVerdictGauges;
import io.storageprobe.operator.reconciler.StorageProbeReconciler;

/**
 * Builds and starts the JOSDK operator. Production ({@link OperatorMain}) and the tests go
 * through this one class, so the settings tested are the settings shipped.
 */
public final class StorageProbeOperator implements AutoCloseable {
    private final Operator operator;

    private StorageProbeOperator(Operator operator) {
        this.operator = operator;
    }

    public static StorageProbeOperator start(KubernetesClient client, OperatorSettings settings, MeterRegistry registry) {
        Operator operator = new Operator(o -> o
                .withKubernetesClient(client)
                // Patch status with JSON patches, not server-side apply: the status is ours alone,
                // and the fabric8 mock server the tests run against cannot do SSA.
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false)
                .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry)));
        operator.register(new StorageProbeReconciler(settings, new NodeVerdictGauges(registry)));
        operator.start();
        return new StorageProbeOperator(operator);
    }

    public boolean ready() {
        return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    @Override
    public void close() {
        operator.stop();
    }
}
