package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.operator.StorageProbeOperator;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.settings.TestingOperatorSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The operator under benchmark, in its own JVM so that its CPU time and heap are its own and not
 * the mock API server's. Started the way the e2e test and OperatorMain start it
 * ({@link StorageProbeOperator#start}). Answers "stats" on stdin with one line
 * {@code STATS cpuMillis=.. heapUsedMiB=.. heapAfterGcMiB=.. heapCommittedMiB=.. rssMiB=.. peakRssMiB=..}; "quit" stops it.
 *
 * Arguments: the API server's URL; on a real one also a bearer token and the CA certificate file.
 */
public final class OperatorUnderBench {
    private OperatorUnderBench() {}

    public static void main(String[] args) throws Exception {
        // On a real API server (RealFleetBench): the operator ServiceAccount's token and the cluster's CA.
        ConfigBuilder config = args.length > 2
                ? new ConfigBuilder(Config.empty())
                        .withMasterUrl(args[0])
                        .withOauthToken(args[1])
                        .withCaCertFile(args[2])
                : new ConfigBuilder().withMasterUrl(args[0]).withTrustCerts(true);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(config.build())
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        boolean mock = args.length <= 2; // the mock server answers server-side apply with 415
        StorageProbeOperator operator = StorageProbeOperator.start(
                client,
                TestingOperatorSettings.of(
                        "storageprobe-system",
                        "storageprobe:bench",
                        "storageprobe-agent",
                        "default",
                        0,
                        OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                        false),
                registry,
                o -> o.withUseSSAToPatchPrimaryResource(!mock));
        System.out.println("STARTED");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("stats")) {
                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
                long used = memory.getHeapMemoryUsage().getUsed();
                System.gc();
                long live = memory.getHeapMemoryUsage().getUsed();
                System.out.printf(
                        "STATS cpuMillis=%d heapUsedMiB=%.1f heapAfterGcMiB=%.1f heapCommittedMiB=%.1f rssMiB=%d peakRssMiB=%d%n",
                        cpu / 1_000_000,
                        used / 1048576.0,
                        live / 1048576.0,
                        memory.getHeapMemoryUsage().getCommitted() / 1048576.0,
                        procStatusMiB("VmRSS:"),
                        procStatusMiB("VmHWM:"));
            } else if (line.equals("quit")) {
                break;
            }
        }
        operator.close();
        client.close();
        System.exit(0);
    }

    /** A line of /proc/self/status in MiB (the kernel writes kB): what the container's memory limit sees. */
    private static long procStatusMiB(String key) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith(key))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                .findFirst()
                .orElse(-1);
    }
}
