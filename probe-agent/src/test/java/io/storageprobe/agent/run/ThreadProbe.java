package io.storageprobe.agent.run;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A worker measuring with a function of the test's own, one target after another on one daemon
 * thread, as a probe child does in its process: for tests of {@link NodeProbe}'s scheduling.
 */
final class ThreadProbe implements ProbeWorker {
    private final Function<Target, Measurement> measure;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "probe");
        t.setDaemon(true);
        return t;
    });
    private volatile Future<Measurement> current;

    ThreadProbe(Function<Target, Measurement> measure) {
        this.measure = measure;
    }

    @Override
    public Measurement measure(Target target, long deadlineNanos) throws InterruptedException {
        current = thread.submit(() -> {
            try {
                return measure.apply(target);
            } catch (RuntimeException | Error e) {
                return Measurement.error(target, null, "probe failed: " + e);
            }
        });
        try {
            return current.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }

    @Override
    public void abandon() {
        thread.shutdownNow();
    }

    @Override
    public boolean finished() {
        return thread.isTerminated();
    }

    @Override
    public String describe() {
        return "thread probe";
    }
}
