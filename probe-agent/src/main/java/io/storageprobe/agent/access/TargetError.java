package io.storageprobe.agent.access;

/** A target that could not be probed, with a one-line reason for the user (no stack trace). */
final class TargetError extends Exception {
    TargetError(String reason) {
        super(reason, null, false, false);
    }
}
