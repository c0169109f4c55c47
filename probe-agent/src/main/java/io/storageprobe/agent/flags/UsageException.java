package io.storageprobe.agent.flags;

/** A bad command line: printed as one line followed by the usage text, exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
