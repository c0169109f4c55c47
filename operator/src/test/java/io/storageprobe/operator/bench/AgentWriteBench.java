package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storageprobe.agent.daemon.AgentDaemon;
import io.storageprobe.agent.daemon.AgentTimings;
import io.storageprobe.agent.daemon.ProbeRunner;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Write API load of the agents (bench/agent-writes): the real AgentDaemon against the mock API
 * server, its requests counted per probe cycle, with a result that never changes (heartbeat
 * writes only) and one whose verdict changes every run. The interval is shortened to 1 s and
 * the spec re-read pushed out of the way, so one cycle's requests can be counted; the
 * spec re-reads (AgentTimings.PRODUCTION.specRefresh) are added by arithmetic.
 *
 * Arguments: [seconds per phase, default 20] [crd dir, default ../crds].
 */
public final class AgentWriteBench {
    private static final String PROBE = "vmdisks";

    private AgentWriteBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path crds = Path.of(args.length > 1 ? args[1] : "../crds");
        PrintStream out = System.out;
        BenchApiServer api = BenchApiServer.start(crds);
        CountingDispatcher dispatcher = api.dispatcher();
        String url = api.url();
        KubernetesClient bench = api.client();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "6h", null, null, null));
        StorageProbe created = bench.resource(probe).create();
        NodeResult compatible = FleetData.result(created, 0, Verdict.Compatible).getSpec();
        NodeResult affected = FleetData.result(created, 0, Verdict.Affected).getSpec();

        double stable =
                phase(out, dispatcher, url, seconds, "stable verdict (heartbeat writes only)", run -> compatible);
        double changing = phase(
                out,
                dispatcher,
                url,
                seconds,
                "verdict changes every run",
                run -> run % 2 == 0 ? compatible : affected);

        // In production every cycle is a write: the heartbeat is due after one interval, and the next
        // probe ends one interval plus the probe's duration after the last write. The 1 s cycles here
        // sometimes end a few ms early, so the stable phase skips some heartbeats that 6 h would not.
        int nodes = 5000;
        double cyclesPerHour = nodes / 6.0;
        out.printf(
                "%nper written cycle (changing phase): %.2f write requests (POST answered 409 when the result exists, then PUT)%n",
                changing);
        out.printf(
                "at %d nodes, interval 6h: %.0f probe cycles/h -> %.0f results written/h, %.0f write requests/h (%.2f/s)%n",
                nodes, cyclesPerHour, cyclesPerHour, cyclesPerHour * changing, cyclesPerHour * changing / 3600);
        out.printf(
                "reads: %.0f GET storageproberesults/h (createOr's update) + %.0f GET storageprobes/h before writing,%n",
                cyclesPerHour, cyclesPerHour);
        double rereadsPerHour =
                nodes * 3600.0 / AgentTimings.PRODUCTION.specRefresh().toSeconds();
        out.printf(
                "       plus the spec re-read every %s (AgentTimings.PRODUCTION): %.0f GET storageprobes/h (%.1f/s)%n",
                AgentTimings.PRODUCTION.specRefresh(), rereadsPerHour, rereadsPerHour / 3600);
        out.printf("(stable phase: %.2f write requests per cycle)%n", stable);
        bench.close();
        api.destroy();
    }

    /** Runs one agent for some seconds; prints its requests per cycle; returns result writes per cycle. */
    private static double phase(
            PrintStream out,
            CountingDispatcher dispatcher,
            String url,
            int seconds,
            String what,
            java.util.function.IntFunction<NodeResult> results)
            throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        ProbeRunner runner = (probe, node, settings) -> {
            NodeResult r = results.apply(runs.getAndIncrement());
            return new NodeResult(
                    r.probe(),
                    r.node(),
                    r.kernelRelease(),
                    r.bootId(),
                    r.osImage(),
                    Instant.now().toString(),
                    r.agentVersion(),
                    r.targets(),
                    r.verdict(),
                    null);
        };
        // Spec re-read once an hour so that it does not blur the per-cycle count; the interval is 1 s.
        AgentTimings timings = new AgentTimings(
                Duration.ofHours(1), Duration.ofMillis(200), Duration.ofSeconds(2), s -> Duration.ofSeconds(1));
        KubernetesClient client = client(url, null);
        dispatcher.resetCounts();
        AgentDaemon daemon = new AgentDaemon(
                io.storageprobe.agent.kube.Fabric8Endpoint.apiOf(client),
                PROBE,
                FleetData.nodeName(0),
                runner,
                new AgentMetrics(new SimpleMeterRegistry(), PROBE, FleetData.nodeName(0)),
                timings,
                Clock.systemUTC());
        Thread thread = new Thread(daemon, "agent");
        thread.start();
        Thread.sleep(seconds * 1000L);
        daemon.close();
        thread.join(10_000);
        client.close();
        Map<String, Long> counts = dispatcher.snapshot();
        int cycles = runs.get();
        out.printf("%s: %d probe cycles in %d s; requests (total, per cycle):%n", what, cycles, seconds);
        counts.forEach((k, v) -> out.printf("  %-32s %5d  %.2f%n", k, v, v / (double) cycles));
        long writes = counts.entrySet().stream()
                .filter(e -> e.getKey().endsWith("storageproberesults")
                        && !e.getKey().startsWith("GET")
                        && !e.getKey().startsWith("LIST"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return writes / (double) cycles;
    }

    private static KubernetesClient client(String url, String userAgent) {
        ConfigBuilder config = new ConfigBuilder().withMasterUrl(url).withRequestRetryBackoffLimit(2);
        if (userAgent != null) {
            config.withUserAgent(userAgent);
        }
        return new KubernetesClientBuilder()
                .withConfig(config.build())
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }
}
