package io.storageprobe.agent.daemon;

import java.time.Duration;

/** Exponential backoff of one kind of API call: the wait doubles with each failure in a row, up to a cap. */
final class RetryBackoff {
    private final Duration min;
    private final Duration max;
    private Duration next;
    private int failures;

    RetryBackoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /** Records a failure; returns how long to wait before the next attempt. */
    Duration failed() {
        Duration wait = next;
        failures++;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return wait;
    }

    void succeeded() {
        next = min;
        failures = 0;
    }

    /** Failures since the last success. */
    int failures() {
        return failures;
    }
}
