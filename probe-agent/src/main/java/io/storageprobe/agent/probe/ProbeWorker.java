package io.storageprobe.agent.probe;

/**
 * One target's probe, running where it cannot stop the caller: in a child process for real
 * targets ({@link ChildProbe}), on a thread for tests that hand in a function.
 */
interface ProbeWorker {
    /** The measurement, or null when it has not arrived by {@code deadlineNanos} (System.nanoTime). */
    Measurement await(long deadlineNanos) throws InterruptedException;

    /** Gives up on it without waiting: whatever the kernel still holds is released when it lets go. */
    void abandon();

    /** True once nothing of it runs any more, so its target may be probed again. */
    boolean finished();

    /** How the user can find it, e.g. "pid 1234". */
    String describe();
}
