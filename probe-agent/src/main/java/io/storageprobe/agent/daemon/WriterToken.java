package io.storageprobe.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token the agent puts in each result it writes, so that the operator can tell that this
 * node's agent Pod wrote it (docs/design.md, "Who may speak for a node"). The kubelet writes it
 * into the projected volume named by {@link #FILE_VARIABLE} and replaces it before it expires;
 * it is read again at every use, never logged.
 */
final class WriterToken {
    /** Set by the agent DaemonSet; unset, results carry no token (and the operator does not count them). */
    static final String FILE_VARIABLE = "STORAGEPROBE_WRITER_TOKEN_FILE";

    static final WriterToken NONE = new WriterToken(null);
    private static final Logger LOG = LoggerFactory.getLogger(WriterToken.class);

    private final Path file;
    private boolean warned;

    WriterToken(Path file) {
        this.file = file;
    }

    /** @return the current token, or null when there is none to be had (said once in the log) */
    synchronized String current() {
        if (file == null) {
            return null;
        }
        try {
            String token = Files.readString(file).strip();
            warned = false;
            return token.isEmpty() ? null : token;
        } catch (IOException e) {
            if (!warned) {
                LOG.warn(
                        "cannot read the writer token {} ({}): results are written without it and the operator will not count them",
                        file,
                        e.toString());
                warned = true;
            }
            return null;
        }
    }
}
