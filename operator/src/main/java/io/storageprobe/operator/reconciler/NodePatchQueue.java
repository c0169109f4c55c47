package io.storageprobe.operator.reconciler;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Node patches that run beside the reconciles instead of inside them: a reconcile queues what it
 * planned and returns, so the status is written at once and the patches keep {@code atOnce}
 * requests in flight until all are done (a reconcile waiting for its slowest patch, then planning
 * every node again, labelled at 0.6x the API server's speed: docs/performance.md). One patch per
 * probe and node is queued at a time; a failure is kept for the probe's next reconcile to throw,
 * and when a probe's last queued patch is done, {@code drained} is told, so that one reconcile
 * follows each queue (to throw that failure and plan what changed while it ran) instead of one
 * every few seconds while it runs.
 */
final class NodePatchQueue implements AutoCloseable {
    /** How long a probe's deletion waits for its queued patches to finish or drop. */
    private static final Duration DRAIN = Duration.ofMinutes(2);

    private final ExecutorService pool;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Patches queued or running per node, whatever the probe. */
    private final Map<String, Integer> byNode = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    /** Probes being deleted: their queued patches are dropped, not run after the cleanup. */
    private final Set<String> closing = ConcurrentHashMap.newKeySet();

    private final Consumer<String> drained;

    /** @param drained told the probe's name when its last queued patch is done (not while it is deleted) */
    NodePatchQueue(int atOnce, Consumer<String> drained) {
        this.drained = drained;
        pool = Executors.newFixedThreadPool(atOnce, task -> {
            Thread t = new Thread(task, "node-patch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a patch of this node for this probe is queued or running. */
    boolean has(String probe, String node) {
        return queued.contains(key(probe, node));
    }

    /**
     * Whether a patch of this node is queued or running, for any probe. Its echo in the Node watch
     * can arrive before the patch's own answer is read (so before {@code OwnNodeWrites} knows it).
     */
    boolean patching(String node) {
        return byNode.containsKey(node);
    }

    /** Queues the patch unless one of this node for this probe is already queued or running. */
    void offer(String probe, String node, Runnable patch) {
        String key = key(probe, node);
        if (!queued.add(key)) {
            return;
        }
        AtomicInteger count = pending.computeIfAbsent(probe, p -> new AtomicInteger());
        count.incrementAndGet();
        byNode.merge(node, 1, Integer::sum);
        pool.execute(() -> {
            try {
                if (!closing.contains(probe)) {
                    patch.run();
                }
            } catch (RuntimeException e) {
                failures.putIfAbsent(probe, e);
            } finally {
                byNode.computeIfPresent(node, (n, c) -> c == 1 ? null : c - 1);
                queued.remove(key);
                if (count.decrementAndGet() == 0 && !closing.contains(probe)) {
                    drained.accept(probe);
                }
            }
        });
    }

    /** Whether patches of this probe are queued or running. */
    boolean busy(String probe) {
        AtomicInteger count = pending.get(probe);
        return count != null && count.get() > 0;
    }

    /** Throws the first failure of this probe's patches since the last call, as a reconcile's own would. */
    void rethrowFailure(String probe) {
        RuntimeException failure = failures.remove(probe);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * For a probe's deletion: drops its queued patches, waits for the running ones, then runs
     * {@code work} side by side and waits for all of it; the first failure is thrown.
     */
    void runAfterDraining(String probe, List<Callable<Boolean>> work) {
        closing.add(probe);
        try {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (busy(probe) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            failures.remove(probe);
            for (Future<Boolean> done : pool.invokeAll(work)) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while patching nodes", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            closing.remove(probe);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static String key(String probe, String node) {
        return probe + "/" + node;
    }
}
