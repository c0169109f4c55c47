package io.storageprobe.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.operator.http.OperatorHttpServer;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.uninstall.DeleteProbesCommand;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar storageprobe-operator.jar}: the operator process; with {@code delete-probes},
 * the chart's pre-delete hook instead ({@link DeleteProbesCommand}).
 */
public final class OperatorMain {
    private OperatorMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(DeleteProbesCommand.NAME)) {
            System.exit(DeleteProbesCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        OperatorSettings settings;
        try {
            settings = OperatorSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            // A malformed variable of the deployment: say which, no stack trace.
            System.err.println("storageprobe-operator: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KubernetesClient client = new KubernetesClientBuilder().build();
        Optional<String> unusable = ApiPreflight.problem(client);
        if (unusable.isPresent()) {
            System.err.println("storageprobe-operator: " + unusable.get());
            client.close();
            System.exit(1);
        }
        StorageProbeOperator[] operator = new StorageProbeOperator[1];
        // Serve /healthz before the operator starts: a slow informer sync must not get the pod killed.
        OperatorHttpServer http = OperatorHttpServer.start(
                settings.httpPort(), registry, () -> operator[0] != null && operator[0].ready());
        try {
            operator[0] = StorageProbeOperator.start(client, settings, registry);
        } catch (RuntimeException e) {
            // Typically the API server cannot be reached or the CRDs are missing: say so and let the pod restart.
            System.err.println("storageprobe-operator: cannot start: " + e.getMessage());
            http.close();
            client.close();
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            operator[0].close();
                            http.close();
                            client.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        stopped.await();
    }
}
