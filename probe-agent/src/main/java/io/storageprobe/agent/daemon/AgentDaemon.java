package io.storageprobe.agent.daemon;

import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.agent.metrics.WriteFailure;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node daemon's loop. Three clocks run in it: probing (at start, every interval, and when
 * the probe's spec changes), reading the StorageProbe, and writing the result. Probing never
 * waits for the API server: while that is unreachable the agent keeps probing with the last
 * spec it saw and keeps its metrics current, and retries the API with exponential backoff.
 */
public final class AgentDaemon implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

    private final KubeApi client;
    private final String probe;
    private final String node;
    private final ProbeRunner runner;
    private final AgentMetrics metrics;
    private final AgentTimings timings;
    private final ResultWriter writer;
    private final Clock clock;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Object wakeup = new Object();

    private ProbeSettings settings;
    private NodeResult pending;
    private Instant nextProbe = Instant.MIN;
    private Instant nextSpecRead = Instant.MIN;
    private Instant nextWrite = Instant.MIN;
    /** Reads and writes back off separately: a read that succeeds says nothing about whether writes will. */
    private final RetryBackoff readBackoff;

    private final RetryBackoff writeBackoff;
    private volatile boolean probeGone;
    /** The last result probed: written again, unchanged, when the kubelet replaces the writer token. */
    private NodeResult lastProbed;

    private Instant nextTokenCheck = Instant.MIN;
    /**
     * How often the writer token file is looked at (a local read). The kubelet replaces the token
     * at 80% of its life (an hour, AgentDaemonSet), leaving 12 minutes to write it: well within.
     */
    private static final Duration TOKEN_CHECK = Duration.ofMinutes(1);

    public AgentDaemon(
            KubeApi client,
            String probe,
            String node,
            ProbeRunner runner,
            AgentMetrics metrics,
            AgentTimings timings,
            Clock clock) {
        this(client, probe, node, runner, metrics, timings, clock, null);
    }

    /** @param tokenFile the writer token the kubelet keeps current (WriterToken), or null for none */
    public AgentDaemon(
            KubeApi client,
            String probe,
            String node,
            ProbeRunner runner,
            AgentMetrics metrics,
            AgentTimings timings,
            Clock clock,
            java.nio.file.Path tokenFile) {
        this.client = client;
        this.probe = probe;
        this.node = node;
        this.runner = runner;
        this.metrics = metrics;
        this.timings = timings;
        this.writer = new ResultWriter(
                client, probe, node, tokenFile == null ? WriterToken.NONE : new WriterToken(tokenFile));
        this.clock = clock;
        this.readBackoff = new RetryBackoff(timings.retryMin(), timings.retryMax());
        this.writeBackoff = new RetryBackoff(timings.retryMin(), timings.retryMax());
    }

    @Override
    public void run() {
        while (!stopped.get()) {
            Instant now = clock.instant();
            if (!now.isBefore(nextSpecRead)) {
                readSpec(now);
            }
            if (settings != null && !probeGone && !now.isBefore(nextProbe)) {
                probeOnce();
                nextProbe = clock.instant().plus(interval());
            }
            if (!clock.instant().isBefore(nextTokenCheck)) {
                if (pending == null && lastProbed != null && writer.tokenChanged()) {
                    pending = lastProbed;
                }
                nextTokenCheck = clock.instant().plus(TOKEN_CHECK);
            }
            if (pending != null && !probeGone && !clock.instant().isBefore(nextWrite)) {
                write();
            }
            sleepUntil(earliest());
        }
    }

    private void readSpec(Instant now) {
        try {
            StorageProbe current = client.get(
                    KubeApi.path(StorageProbe.GROUP, StorageProbe.VERSION, "storageprobes", probe), StorageProbe.class);
            // Being deleted counts as gone: the operator is removing the results, do not write new ones.
            if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
                if (!probeGone) {
                    LOG.info("StorageProbe {} does not exist (deleted?): not probing until it does", probe);
                }
                probeGone = true;
            } else {
                probeGone = false;
                ProbeSettings fresh = ProbeSettings.of(current);
                if (settings == null
                        || fresh.generation() != settings.generation()
                        || !Objects.equals(fresh.uid(), settings.uid())
                        || !Objects.equals(fresh.qemu(), settings.qemu())) {
                    // A new spec, or a new QEMU in force (KubeVirt upgraded): probe now and judge
                    // for it. Probing costs milliseconds; keeping a copy of the last facts to
                    // re-judge would be a second path for the same thing.
                    nextProbe = now;
                }
                settings = fresh;
            }
            readBackoff.succeeded();
            nextSpecRead = now.plus(timings.specRefresh());
        } catch (IllegalArgumentException e) {
            LOG.warn("StorageProbe {} has an unusable spec ({}); keeping the last usable one", probe, e.getMessage());
            nextSpecRead = now.plus(timings.specRefresh());
        } catch (RuntimeException e) {
            // ApiException mostly; anything else is retried the same way, never fatal.
            Duration wait = readBackoff.failed();
            LOG.warn("reading StorageProbe {} failed ({}); retrying in {} s", probe, ApiCause.of(e), wait.toSeconds());
            nextSpecRead = now.plus(wait);
        }
    }

    private void probeOnce() {
        long start = System.nanoTime();
        try {
            NodeResult result = runner.run(probe, node, settings);
            metrics.record(
                    result,
                    Duration.ofNanos(System.nanoTime() - start),
                    clock.instant().getEpochSecond());
            pending = result;
            lastProbed = result;
            nextWrite = Instant.MIN;
            LOG.info(
                    "probed {} target(s): node verdict {}",
                    result.targets() == null ? 0 : result.targets().size(),
                    result.verdict());
        } catch (RuntimeException e) {
            // Rules named in the spec but unknown to this agent, or an engine failure: count it, try next interval.
            metrics.recordFailure(
                    Duration.ofNanos(System.nanoTime() - start), clock.instant().getEpochSecond());
            LOG.warn("probe run failed: {}", e.getMessage());
        }
    }

    private void write() {
        try {
            // Look again right before writing: a result written for a probe being deleted would outlive it.
            readSpec(clock.instant());
            if (probeGone) {
                return;
            }
            boolean written = writer.writeIfNeeded(pending, settings, interval(), clock.instant());
            if (written) {
                LOG.info("wrote StorageProbeResult {}", writer.name());
            }
            pending = null;
            writeBackoff.succeeded();
            metrics.writeSucceeded();
        } catch (RuntimeException e) {
            // A refused write (403, 422) fails the same way next time: only this backoff slows the
            // retries down, the successful re-read of the spec above does not reset it.
            WriteFailure why = WriteFailure.of(e);
            Duration wait = writeBackoff.failed();
            metrics.writeFailed(why.label(), wait);
            LOG.warn(
                    "writing StorageProbeResult {} failed: {} ({}); {} failure(s) in a row, next attempt in {} ms",
                    writer.name(),
                    why.why(),
                    e.getMessage(),
                    writeBackoff.failures(),
                    wait.toMillis());
            nextWrite = clock.instant().plus(wait);
        }
    }

    private Duration interval() {
        return timings.probeEvery().apply(settings);
    }

    private Instant earliest() {
        Instant next = nextSpecRead.isBefore(nextTokenCheck) ? nextSpecRead : nextTokenCheck;
        if (settings != null && !probeGone && nextProbe.isBefore(next)) {
            next = nextProbe;
        }
        if (pending != null && !probeGone && nextWrite.isBefore(next)) {
            next = nextWrite;
        }
        return next;
    }

    private void sleepUntil(Instant when) {
        long millis = Duration.between(clock.instant(), when).toMillis();
        if (millis <= 0) {
            return;
        }
        synchronized (wakeup) {
            try {
                if (!stopped.get()) {
                    wakeup.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped.set(true);
            }
        }
    }

    @Override
    public void close() {
        stopped.set(true);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }
}
