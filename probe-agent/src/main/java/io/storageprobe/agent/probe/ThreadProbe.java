package io.storageprobe.agent.probe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** A probe on a daemon thread of this process: for tests that measure with a function of their own. */
final class ThreadProbe implements ProbeWorker {
    private final CompletableFuture<Measurement> result = new CompletableFuture<>();
    private final Thread thread;

    ThreadProbe(Target target, Function<Target, Measurement> measure) {
        thread = new Thread(() -> {
            try {
                result.complete(measure.apply(target));
            } catch (RuntimeException | Error e) {
                result.complete(Measurement.error(target, null, "probe failed: " + e));
            }
        }, "probe");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Measurement await(long deadlineNanos) throws InterruptedException {
        try {
            return result.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void abandon() {
        thread.interrupt();
    }

    @Override
    public boolean finished() {
        return !thread.isAlive();
    }

    @Override
    public String describe() {
        return "thread " + thread.getName();
    }
}
