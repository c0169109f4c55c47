package io.storageprobe.agent.run;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;

/**
 * Measures targets one after another where their I/O cannot stop the caller: in a child process
 * for real targets ({@link ChildProbe}). Once a target misses its deadline the worker is given up
 * and never asked again.
 */
interface ProbeWorker {
    /** The target's measurement, or null when it has not arrived by {@code deadlineNanos} (System.nanoTime). */
    Measurement measure(Target target, long deadlineNanos) throws InterruptedException;

    /** No more targets: it ends on its own. */
    void close();

    /** Gives up on it without waiting: whatever the kernel still holds is released when it lets go. */
    void abandon();

    /** True once nothing of it runs any more: a worker that ended cannot take a target, a stuck one is over. */
    boolean finished();

    /** How the user can find it, e.g. "pid 1234". */
    String describe();
}
