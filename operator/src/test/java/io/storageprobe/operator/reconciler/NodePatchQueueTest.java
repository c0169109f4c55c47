package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Node patches beside the reconciles: one per probe and node at a time, failures kept for the next reconcile. */
class NodePatchQueueTest {
    private final List<String> drained = new CopyOnWriteArrayList<>();
    private final NodePatchQueue queue = new NodePatchQueue(2, drained::add);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        queue.close();
    }

    @Test
    void aNodeIsQueuedOncePerProbeUntilItsPatchEnds() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        queue.offer("p", "n1", () -> {
            started.countDown();
            runs.incrementAndGet();
            await(release);
        });
        queue.offer("p", "n1", runs::incrementAndGet);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.has("p", "n1")).isTrue();
        assertThat(queue.has("other", "n1")).isFalse();
        assertThat(queue.busy("p")).isTrue();
        assertThat(queue.busy("other")).isFalse();
        assertThat(queue.patching("n1")).isTrue();
        assertThat(queue.patching("n2")).isFalse();

        release.countDown();
        awaitIdle("p");
        assertThat(runs).as("the second offer was dropped while the first ran").hasValue(1);
        assertThat(queue.has("p", "n1")).isFalse();
        assertThat(queue.patching("n1")).isFalse();
        queue.offer("p", "n1", runs::incrementAndGet);
        awaitIdle("p");
        assertThat(runs).as("queued again once done").hasValue(2);
    }

    @Test
    void theProbeIsWokenOnceWhenItsLastQueuedPatchIsDone() throws Exception {
        queue.offer("p", "n1", () -> await(release));
        queue.offer("q", "n1", () -> {});
        awaitWoken(1);
        queue.offer("p", "n2", () -> await(release));
        assertThat(drained).as("p's patches still run").containsExactly("q");

        release.countDown();
        awaitWoken(2);
        awaitIdle("p");
        assertThat(drained).containsExactly("q", "p");
    }

    @Test
    void aFailedPatchIsThrownOnceByTheProbesNextReconcile() throws Exception {
        queue.offer("p", "n1", () -> {
            throw new IllegalStateException("patch refused");
        });
        awaitIdle("p");
        queue.rethrowFailure("other");
        assertThatThrownBy(() -> queue.rethrowFailure("p")).hasMessage("patch refused");
        queue.rethrowFailure("p");
    }

    @Test
    void aDeletedProbesQueuedPatchesAreDroppedBeforeItsCleanupRuns() throws Exception {
        AtomicInteger labelled = new AtomicInteger();
        CountDownLatch bothBusy = new CountDownLatch(2);
        for (String node : List.of("n1", "n2")) {
            queue.offer("p", node, () -> {
                bothBusy.countDown();
                await(release);
                labelled.incrementAndGet();
            });
        }
        assertThat(bothBusy.await(10, TimeUnit.SECONDS)).isTrue();
        queue.offer("p", "n3", labelled::incrementAndGet); // waits for a thread
        AtomicInteger cleaned = new AtomicInteger();
        Thread cleanup = new Thread(() -> queue.runAfterDraining("p", List.of(() -> {
            cleaned.set(labelled.get());
            return true;
        })));
        cleanup.start();
        // Released only once the cleanup waits for the running patches (its drain loop sleeps).
        while (cleanup.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        release.countDown();
        cleanup.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(cleanup.isAlive()).isFalse();
        assertThat(cleaned)
                .as("the cleanup ran after the two running patches, n3's was dropped")
                .hasValue(2);
        assertThat(labelled).hasValue(2);
        assertThat(drained).as("no reconcile for a probe being deleted").isEmpty();
    }

    private void awaitWoken(int probes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (drained.size() < probes && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private void awaitIdle(String probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (queue.busy(probe) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(queue.busy(probe)).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
