package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Operator at fleet scale (bench/fleet): the mock API server (CRUD mode) loaded with N nodes, N
 * results in a realistic mix of verdicts and one StorageProbe; then the operator is started in
 * its own JVM and measured until the status converges and the requests stop, and again after one
 * node's result changes. Not a test: numbers go to docs/performance.md.
 *
 * Arguments: [nodes, default 5000] [crd dir, default ../crds]. Operator JVM flags from
 * OPERATOR_JAVA_OPTS (default -Xmx512m).
 */
public final class FleetBench {
    private static final String PROBE = "vmdisks";

    private FleetBench() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path crds = Path.of(args.length > 1 ? args[1] : "../crds");
        PrintStream out = System.out;

        BenchApiServer api = BenchApiServer.start(crds);
        CountingDispatcher dispatcher = api.dispatcher();
        String url = api.url();
        KubernetesClient client = api.client();

        FleetData.Loaded loaded = FleetData.load(client, PROBE, nodes, 4);
        StorageProbe created = loaded.probe();
        Map<Verdict, Integer> expected = loaded.expected();
        out.printf(
                "loaded %d nodes and %d results in %.1f s; expected mix %s%n",
                nodes, nodes, loaded.seconds(), expected);
        int resultBytes = client.getKubernetesSerialization()
                .asJson(FleetData.result(created, 0, Verdict.Compatible))
                .length();
        int nodeBytes =
                client.getKubernetesSerialization().asJson(FleetData.node(0)).length();
        out.printf("object sizes: node %d B, Compatible result %d B (JSON)%n", nodeBytes, resultBytes);

        // Start the operator in its own JVM.
        dispatcher.resetCounts();
        String opts = System.getenv().getOrDefault("OPERATOR_JAVA_OPTS", "-Xmx512m");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(opts.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OperatorUnderBench.class.getName(), url));
        File log = Path.of(System.getProperty("bench.log", "target/fleet-operator.log"))
                .toFile();
        Process operator = new ProcessBuilder(command).redirectError(log).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(operator.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the operator exited
            }
        });
        reader.setDaemon(true);
        reader.start();
        PrintStream toOperator = new PrintStream(operator.getOutputStream(), true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        out.printf("operator JVM: %s (log %s)%n", opts, log);

        try {
            // Converged: the summary counts equal the loaded mix.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            StorageProbe current = null;
            while (System.nanoTime() < deadline) {
                current = client.resources(StorageProbe.class).withName(PROBE).get();
                if (BenchSupport.matches(current, nodes, expected)) {
                    break;
                }
                Thread.sleep(100);
            }
            double converged = (System.nanoTime() - start) / 1e9;
            out.printf(
                    "status converged: %s after %.1f s from operator start%n",
                    BenchSupport.matches(current, nodes, expected), converged);
            Long firstWrite = dispatcher.firstSeen("POST daemonsets");
            out.printf(
                    "first reconcile began (DaemonSet created) at %s s: informers listed and synced before it%n",
                    firstWrite == null ? "?" : String.format("%.1f", (firstWrite - start) / 1e9));
            double quiet = BenchSupport.waitQuiet(() -> requestsButWatches(dispatcher), 100, start);
            out.printf(
                    "requests quiet (none for %d s) at %.1f s from operator start%n",
                    BenchSupport.QUIET_MILLIS / 1000, quiet);
            String statusJson = client.getKubernetesSerialization().asJson(current.getStatus());
            out.printf(
                    "status size: %d bytes (JSON of .status); whole object %d bytes; affectedNodes %d, truncated %s%n",
                    statusJson.getBytes(StandardCharsets.UTF_8).length,
                    client.getKubernetesSerialization().asJson(current).getBytes(StandardCharsets.UTF_8).length,
                    current.getStatus().affectedNodes().size(),
                    current.getStatus().affectedNodesTruncated());
            out.println("operator " + BenchSupport.stats(toOperator, lines));
            out.println("requests from start to quiet (count, first one at s after operator start):");
            dispatcher
                    .snapshot()
                    .forEach((k, v) ->
                            out.printf("  %-40s %6d  %5.1f%n", k, v, (dispatcher.firstSeen(k) - start) / 1e9));
            long labelled = client.nodes().list().getItems().stream()
                    .filter(n -> n.getMetadata().getLabels().containsKey(StorageProbe.verdictLabel(PROBE)))
                    .count();
            out.printf("nodes labelled: %d of %d%n", labelled, nodes);

            // One node's verdict changes: its agent updates its result.
            dispatcher.resetCounts();
            int changed = 1; // Compatible in the mix
            StorageProbeResult r = client.resources(StorageProbeResult.class)
                    .withName(StorageProbeResult.nameFor(PROBE, FleetData.nodeName(changed)))
                    .get();
            StorageProbeResult update = FleetData.result(created, changed, Verdict.Affected);
            update.getMetadata().setResourceVersion(r.getMetadata().getResourceVersion());
            long changeStart = System.nanoTime();
            client.resource(update).update();
            expected.merge(Verdict.Compatible, -1, Integer::sum);
            expected.merge(Verdict.Affected, 1, Integer::sum);
            while (!BenchSupport.matches(
                    client.resources(StorageProbe.class).withName(PROBE).get(), nodes, expected)) {
                Thread.sleep(50);
            }
            out.printf("after one result changed: status updated in %.2f s%n", (System.nanoTime() - changeStart) / 1e9);
            BenchSupport.waitQuiet(() -> requestsButWatches(dispatcher), 100, changeStart);
            out.println("requests caused by the one change:");
            dispatcher.snapshot().forEach((k, v) -> out.printf("  %-40s %d%n", k, v));
            dispatcher.statusPatches.forEach(b -> out.println("  status patch: " + b));
            out.println("operator " + BenchSupport.stats(toOperator, lines));
        } finally {
            toOperator.println("quit");
            if (!operator.waitFor(20, TimeUnit.SECONDS)) {
                operator.destroyForcibly();
            }
            client.close();
            api.destroy();
        }
    }

    private static long requestsButWatches(CountingDispatcher dispatcher) {
        return dispatcher.snapshot().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("WATCH"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
