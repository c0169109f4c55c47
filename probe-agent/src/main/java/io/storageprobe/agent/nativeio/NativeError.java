package io.storageprobe.agent.nativeio;

/** A system call that failed with {@code errno}; the message names both. */
public final class NativeError extends RuntimeException {
    private final int errno;

    public NativeError(String call, int errno) {
        super(call + " failed: " + Errno.name(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
