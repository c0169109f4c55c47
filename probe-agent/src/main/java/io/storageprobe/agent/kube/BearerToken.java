package io.storageprobe.agent.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The bearer token sent with each request. A projected ServiceAccount token is replaced by the
 * kubelet well before it expires, so a token from a file is read again once it is a minute old
 * (as client-go does) and at once after the server answered 401; a fixed token never changes.
 */
public final class BearerToken {
    public static final BearerToken NONE = new BearerToken(null, null, Clock.systemUTC());
    static final Duration REREAD = Duration.ofMinutes(1);

    private final String fixed;
    private final Path file;
    private final Clock clock;
    private String cached;
    private Instant readAt;

    private BearerToken(String fixed, Path file, Clock clock) {
        this.fixed = fixed;
        this.file = file;
        this.clock = clock;
    }

    public static BearerToken of(String token) {
        return new BearerToken(token, null, Clock.systemUTC());
    }

    public static BearerToken fromFile(Path file) {
        return fromFile(file, Clock.systemUTC());
    }

    static BearerToken fromFile(Path file, Clock clock) {
        return new BearerToken(null, file, clock);
    }

    /** @return the token, or null for none; throws UncheckedIOException when its file cannot be read */
    public synchronized String current() {
        if (file == null) {
            return fixed;
        }
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(readAt.plus(REREAD))) {
            try {
                cached = Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API token " + file + ": " + e.getMessage(), e);
            }
            readAt = now;
        }
        return cached;
    }

    /** The server refused the token: read the file again before the next request. */
    public synchronized void refused() {
        cached = null;
    }
}
