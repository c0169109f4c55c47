package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.TestCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/fleet-real: {@link FleetBench} on the real control plane of test-cluster/ (kube-apiserver
 * and etcd, the CRDs behind the aggregator): N Nodes and results, one StorageProbe with labels and
 * taints, the operator in its own JVM with the chart's operator ServiceAccount token. Requests are
 * counted by the API server itself: its audit log (the operator's requests by verb and resource)
 * and apiserver_request_total (everyone's). Not a test: numbers go to docs/performance.md.
 */
public final class RealFleetBench {
    private static final String PROBE = "vmdisks";
    /** As the operator's StorageProbeReconciler.NODE_PATCHES_AT_ONCE. */
    private static final int PATCHES_AT_ONCE = 16;

    private static final Pattern REQUEST_TOTAL = Pattern.compile("(?m)^apiserver_request_total\\{([^}]*)\\} (\\S+)$");

    private RealFleetBench() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path repo = Path.of(System.getProperty("storageprobe.repo.dir", ".")).toAbsolutePath();
        PrintStream out = System.out;
        try (TestCluster cluster = TestCluster.start(repo.resolve("test-cluster"))) {
            ChartInstall chart = ChartInstall.install(cluster, repo.resolve("charts/storageprobe"));
            KubernetesClient admin = cluster.admin();
            FleetData.Loaded loaded = FleetData.load(admin, PROBE, nodes, 8);
            StorageProbe created = loaded.probe();
            Map<Verdict, Integer> expected = loaded.expected();
            out.printf(
                    "loaded %d Nodes (%d bytes of JSON each) and %d results into the real API server in %.1f s; mix %s%n",
                    nodes,
                    admin.getKubernetesSerialization()
                            .asJson(admin.nodes()
                                    .withName(FleetData.nodeName(0))
                                    .get())
                            .length(),
                    nodes,
                    loaded.seconds(),
                    expected);

            // The server's speed for the same patches, in the same run (a ratio holds on a busy machine).
            NodeLabelWatch labels = new NodeLabelWatch(admin, StorageProbe.verdictLabel(PROBE), nodes);
            long settling = System.nanoTime();
            List<io.fabric8.kubernetes.api.model.Node> settled = labels.settled(BenchSupport.QUIET_MILLIS);
            out.printf(
                    "nodes settled (no change for %d s) %.1f s after loading; load before the plain client's patches: %s%n",
                    BenchSupport.QUIET_MILLIS / 1000, (System.nanoTime() - settling) / 1e9, load());
            // Both labellings are timed the same way: first to last label seen by a watch of the
            // bench's, one such watch open in each (the server sends it every patched node).
            PlainNodePatches.Result plain;
            double plainSpan;
            try (NodeLabelWatch plainLabels = new NodeLabelWatch(admin, PlainNodePatches.KEY, nodes)) {
                plainLabels.start();
                plain = PlainNodePatches.run(admin, settled, PATCHES_AT_ONCE);
                for (int i = 0; i < 600 && plainLabels.all() == 0; i++) {
                    Thread.sleep(100);
                }
                plainSpan = (plainLabels.all() - plainLabels.first()) / 1e9;
            }
            out.printf(
                    "plain fabric8 client: %d node patches, %d at once, in %.1f s (%d refused with 409, read and patched again);"
                            + " first to last label seen by the watch %.1f s; load %s%n",
                    plain.patches(), PATCHES_AT_ONCE, plain.seconds(), plain.conflicts(), plainSpan, load());
            labels.start();

            Map<String, Double> totalsBefore = requestTotals(admin);
            int mark = cluster.auditLog().size();
            String opts = System.getenv().getOrDefault("OPERATOR_JAVA_OPTS", "-Xmx512m");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(List.of(opts.trim().split("\\s+")));
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    OperatorUnderBench.class.getName(),
                    cluster.url(),
                    cluster.token(chart.namespace(), chart.operatorServiceAccount()),
                    cluster.caCert().toString()));
            Process operator = new ProcessBuilder(command)
                    .redirectError(
                            Path.of("operator/target/fleet-real-operator.log").toFile())
                    .start();
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
            try {
                Double converged = null;
                Double labelled = null;
                long deadline = start + TimeUnit.SECONDS.toNanos(600);
                while (System.nanoTime() < deadline && (converged == null || labelled == null)) {
                    if (converged == null
                            && BenchSupport.matches(
                                    admin.resources(StorageProbe.class)
                                            .withName(PROBE)
                                            .get(),
                                    nodes,
                                    expected)) {
                        converged = (System.nanoTime() - start) / 1e9;
                    }
                    if (labelled == null && labels.all() != 0) {
                        labelled = (labels.all() - start) / 1e9;
                    }
                    Thread.sleep(250);
                }
                out.printf(
                        "status converged after %s s, all %d nodes labelled after %s s (from operator JVM start)%n",
                        converged == null ? "never" : String.format("%.1f", converged),
                        nodes,
                        labelled == null
                                ? "never (" + labels.labelled() + " labelled)"
                                : String.format("%.1f", labelled));
                if (labelled != null) {
                    double span = (labels.all() - labels.first()) / 1e9;
                    out.printf(
                            "operator labelling: first node labelled at %.1f s, all %d %.1f s later = %.2fx the plain client's %.1f s"
                                    + " (both seen by the watch; %.2fx its own %.1f s); load %s%n",
                            (labels.first() - start) / 1e9,
                            nodes,
                            span,
                            span / plainSpan,
                            plainSpan,
                            span / plain.seconds(),
                            plain.seconds(),
                            load());
                }
                double quiet =
                        BenchSupport.waitQuiet(() -> operatorRequestsButWatches(cluster, chart, mark), 500, start);
                out.printf(
                        "operator requests quiet (none for %d s) at %.1f s%n", BenchSupport.QUIET_MILLIS / 1000, quiet);
                out.println("operator " + BenchSupport.stats(toOperator, lines) + " load " + load());
                AuditLog byOperator = cluster.auditLog().since(mark).by(chart.operatorUser());
                out.println("operator requests by verb and resource (kube-apiserver audit log), start to quiet:");
                countByVerb(byOperator).forEach((k, v) -> out.printf("  %-48s %6d%n", k, v));
                out.println("apiserver_request_total delta, start to quiet (all clients; verb resource code):");
                delta(totalsBefore, requestTotals(admin)).forEach((k, v) -> out.printf("  %-60s %8.0f%n", k, v));

                // One node's verdict changes: its agent updates its result.
                int changeMark = cluster.auditLog().size();
                StorageProbeResult r = admin.resources(StorageProbeResult.class)
                        .withName(StorageProbeResult.nameFor(PROBE, FleetData.nodeName(1)))
                        .get();
                StorageProbeResult update = FleetData.result(created, 1, Verdict.Affected);
                update.getMetadata().setResourceVersion(r.getMetadata().getResourceVersion());
                long changeStart = System.nanoTime();
                admin.resource(update).update();
                expected.merge(Verdict.Compatible, -1, Integer::sum);
                expected.merge(Verdict.Affected, 1, Integer::sum);
                while (!BenchSupport.matches(
                        admin.resources(StorageProbe.class).withName(PROBE).get(), nodes, expected)) {
                    Thread.sleep(50);
                }
                out.printf(
                        "after one result changed: status updated in %.2f s%n",
                        (System.nanoTime() - changeStart) / 1e9);
                BenchSupport.waitQuiet(() -> operatorRequestsButWatches(cluster, chart, changeMark), 500, changeStart);
                out.println("operator requests caused by the one change:");
                countByVerb(cluster.auditLog().since(changeMark).by(chart.operatorUser()))
                        .forEach((k, v) -> out.printf("  %-48s %d%n", k, v));
                out.println("operator " + BenchSupport.stats(toOperator, lines));
            } finally {
                labels.close();
                toOperator.println("quit");
                if (!operator.waitFor(20, TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                }
            }
        }
    }

    private static Map<String, Long> countByVerb(AuditLog log) {
        Map<String, Long> counts = new TreeMap<>();
        for (AuditLog.Entry e : log.entries()) {
            counts.merge(e.verb() + " " + e.resourcePath() + " " + e.code(), 1L, Long::sum);
        }
        return counts;
    }

    /** apiserver_request_total summed over scope, component and so on, keyed "verb resource code". */
    private static Map<String, Double> requestTotals(KubernetesClient admin) {
        Map<String, Double> totals = new TreeMap<>();
        Matcher m = REQUEST_TOTAL.matcher(admin.raw("/metrics"));
        while (m.find()) {
            Map<String, String> labels = new TreeMap<>();
            for (String pair : m.group(1).split(",")) {
                int eq = pair.indexOf('=');
                labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
            }
            String key = labels.get("verb") + " " + labels.get("resource")
                    + (labels.getOrDefault("subresource", "").isEmpty() ? "" : "/" + labels.get("subresource")) + " "
                    + labels.get("code");
            totals.merge(key, Double.parseDouble(m.group(2)), Double::sum);
        }
        return totals;
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new TreeMap<>();
        after.forEach((k, v) -> {
            double d = v - before.getOrDefault(k, 0.0);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    private static long operatorRequestsButWatches(TestCluster cluster, ChartInstall chart, int mark) {
        return cluster.auditLog()
                .since(mark)
                .by(chart.operatorUser())
                .filter(e -> !e.verb().equals("watch"))
                .size();
    }

    private static String load() throws java.io.IOException {
        String[] avg = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
        return avg[0] + " " + avg[1] + " " + avg[2];
    }
}
