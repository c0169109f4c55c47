package io.storageprobe.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's metrics, named and labelled exactly as design.md section 5 says. Every series
 * carries probe and node (common tags); label values are target names, rule names, verdicts and
 * fixed kinds only, so the number of series stays bounded by the spec.
 */
public final class AgentMetrics {
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    /** The probe label outside Kubernetes (agent --standalone, check --output prometheus): no StorageProbe names one. */
    public static final String STANDALONE_PROBE = "standalone";

    private final MultiGauge targetVerdict;
    private final MultiGauge ruleFailed;
    private final MultiGauge ruleLatent;
    private final MultiGauge alignment;
    private final MultiGauge nodeInfo;
    private final Timer duration;
    private final Counter completed;
    private final Counter failed;
    private final AtomicLong lastRun = new AtomicLong();
    private final Map<String, Counter> writeFailures = new HashMap<>();
    private final AtomicLong writeBackoffMillis = new AtomicLong();

    public AgentMetrics(MeterRegistry registry, String probe, String node) {
        registry.config().commonTags("probe", probe, "node", node);
        targetVerdict = MultiGauge.builder("storageprobe.target.verdict")
                .description(
                        "1 for the target's current verdict (Compatible, Unsupported, Error, Affected), 0 for the others")
                .register(registry);
        ruleFailed = MultiGauge.builder("storageprobe.rule.failed")
                .description(
                        "1 when the rule fails on the target and its failure breaks the QEMU in force (the target is Affected), else 0")
                .register(registry);
        ruleLatent = MultiGauge.builder("storageprobe.rule.latent")
                .description(
                        "1 when the rule fails on the target but cannot break the QEMU in force (a latent finding, e.g. qemu-legacy-dio with QEMU 7.2 or newer), else 0")
                .register(registry);
        alignment = MultiGauge.builder("storageprobe.target.alignment.bytes")
                .description(
                        "Alignments of the target in bytes: block sizes, DMA alignment, statx DIO alignments, what QEMU's probes conclude, and what O_DIRECT writes need (path targets)")
                .register(registry);
        nodeInfo = MultiGauge.builder("storageprobe.node.info")
                .description("1, labelled with the node's kernel release")
                .register(registry);
        duration = Timer.builder("storageprobe.probe.duration")
                .description("How long one probe run of all targets took")
                // A few fixed buckets: a run takes milliseconds, or up to the 30 s per-target timeout when I/O hangs.
                .serviceLevelObjectives(
                        Duration.ofMillis(10),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(120))
                .register(registry);
        completed = runs(registry, COMPLETED);
        failed = runs(registry, FAILED);
        Gauge.builder("storageprobe.last.run.timestamp.seconds", lastRun, AtomicLong::get)
                .description("Unix time of the end of the last probe run")
                .register(registry);
        // Every reason registered up front: a dashboard sees 0, not a missing series, before the first failure.
        for (String reason : WRITE_FAILURE_REASONS) {
            writeFailures.put(
                    reason,
                    Counter.builder("storageprobe.result.write.failures")
                            .description(
                                    "Failed writes of this node's StorageProbeResult by reason: forbidden (403, RBAC), invalid (422, "
                                            + "schema), conflict (409), unreachable, server_error (5xx), other")
                            .tag("reason", reason)
                            .register(registry));
        }
        Gauge.builder("storageprobe.result.write.backoff.seconds", writeBackoffMillis, m -> m.get() / 1000.0)
                .description(
                        "Wait before the next attempt to write the StorageProbeResult after failed writes; 0 after a success")
                .register(registry);
    }

    private static Counter runs(MeterRegistry registry, String outcome) {
        return Counter.builder("storageprobe.probe.runs")
                .description(
                        "Probe runs by outcome: completed (a result was produced) or failed (the run itself failed)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Labels of storageprobe_result_write_failures_total; {@link WriteFailure} maps errors onto them. */
    static final List<String> WRITE_FAILURE_REASONS = java.util.Arrays.stream(WriteFailure.values())
            .map(WriteFailure::label)
            .toList();

    public void writeFailed(String reason, Duration nextAttemptIn) {
        writeFailures.get(reason).increment();
        writeBackoffMillis.set(nextAttemptIn.toMillis());
    }

    public void writeSucceeded() {
        writeBackoffMillis.set(0);
    }

    public void recordFailure(Duration took, long endEpochSeconds) {
        duration.record(took);
        failed.increment();
        lastRun.set(endEpochSeconds);
    }

    /**
     * A series' target label: the name, but {@code pv/<name>} for a volume, whose path holds the
     * pod's uid and would start new series each time a VM's pod is replaced.
     */
    static String target(TargetResult t) {
        return t.kind() == TargetKind.VOLUME && t.persistentVolume() != null ? "pv/" + t.persistentVolume() : t.name();
    }

    public void record(NodeResult result, Duration took, long endEpochSeconds) {
        List<MultiGauge.Row<?>> verdicts = new ArrayList<>();
        List<MultiGauge.Row<?>> rules = new ArrayList<>();
        List<MultiGauge.Row<?>> latent = new ArrayList<>();
        QemuVersion qemu = QemuVersion.inForce(result.qemu());
        List<MultiGauge.Row<?>> alignments = new ArrayList<>();
        for (TargetResult t : result.targets() == null ? List.<TargetResult>of() : result.targets()) {
            for (Verdict v : Verdict.values()) {
                verdicts.add(
                        MultiGauge.Row.of(Tags.of("target", target(t), "verdict", v.name()), t.verdict() == v ? 1 : 0));
            }
            for (RuleOutcome o : t.rules() == null ? List.<RuleOutcome>of() : t.rules()) {
                boolean fails = o.status() == RuleStatus.Fail;
                boolean counts = RuleCatalog.breaks(o.rule(), qemu);
                Tags tags = Tags.of("target", target(t), "rule", o.rule());
                rules.add(MultiGauge.Row.of(tags, fails && counts ? 1 : 0));
                latent.add(MultiGauge.Row.of(tags, fails && !counts ? 1 : 0));
            }
            TargetFacts f = t.facts();
            if (f != null) {
                add(alignments, target(t), "logical_block", f.logicalBlockSize());
                add(alignments, target(t), "physical_block", f.physicalBlockSize());
                add(alignments, target(t), "dma", f.dmaAlignment());
                add(
                        alignments,
                        target(t),
                        "statx_mem",
                        f.statx() == null ? null : f.statx().memAlign());
                add(
                        alignments,
                        target(t),
                        "statx_offset",
                        f.statx() == null ? null : f.statx().offsetAlign());
                add(alignments, target(t), "probed_request", f.probedRequestAlignment());
                add(alignments, target(t), "probed_buffer", f.probedBufferAlignment());
                add(
                        alignments,
                        target(t),
                        "statx_read_offset",
                        f.statx() == null ? null : f.statx().readOffsetAlign());
                // What O_DIRECT writes really need (path targets only), next to what QEMU probed with reads.
                add(
                        alignments,
                        target(t),
                        "probed_write_request",
                        f.writeProbe() == null ? null : f.writeProbe().requestAlignment());
                add(
                        alignments,
                        target(t),
                        "probed_write_buffer",
                        f.writeProbe() == null ? null : f.writeProbe().bufferAlignment());
            }
        }
        // overwrite=true: series of targets no longer probed disappear instead of going stale.
        targetVerdict.register(verdicts, true);
        ruleFailed.register(rules, true);
        ruleLatent.register(latent, true);
        alignment.register(alignments, true);
        nodeInfo.register(
                List.of(MultiGauge.Row.of(
                        Tags.of("kernel_release", result.kernelRelease() == null ? "unknown" : result.kernelRelease()),
                        1)),
                true);
        // Counted last: a scrape that sees the run completed also sees its verdicts.
        duration.record(took);
        completed.increment();
        lastRun.set(endEpochSeconds);
    }

    private static void add(List<MultiGauge.Row<?>> rows, String target, String kind, Integer value) {
        if (value != null) {
            rows.add(MultiGauge.Row.of(Tags.of("target", target, "kind", kind), value));
        }
    }
}
