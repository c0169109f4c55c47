package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node versions our own patches made, by node. Their echo in the Node informer is news to
 * nobody: without this, each of thousands of node patches woke a reconcile that counted every
 * result and planned every node again, and on a small machine that work competed with the API
 * server for the CPU the patches needed (docs/performance.md, "Labelling at the server's speed").
 */
public final class OwnNodeWrites {
    /** How long a write may wait for its echo before the cached copy is trusted again (a relist skips echoes). */
    static final Duration ECHO_EXPECTED_WITHIN = Duration.ofSeconds(30);

    private record Written(String resourceVersion, long atNanos) {}

    private final Map<String, Written> byNode = new ConcurrentHashMap<>();

    /** Notes the node as the API server answered our patch or update. */
    void record(Node written) {
        if (written != null
                && written.getMetadata() != null
                && written.getMetadata().getResourceVersion() != null) {
            byNode.put(
                    written.getMetadata().getName(),
                    new Written(written.getMetadata().getResourceVersion(), System.nanoTime()));
        }
    }

    /** Whether this version of the node, as the informer received it, is one of our writes; forgets it then. */
    public boolean isEcho(Node next) {
        String name = next.getMetadata().getName();
        Written ours = byNode.get(name);
        return ours != null
                && ours.resourceVersion().equals(next.getMetadata().getResourceVersion())
                && byNode.remove(name, ours);
    }

    /**
     * Whether we wrote the node since this cached copy was made: planning on it would patch what
     * is already done, with a stale resourceVersion (409, a GET and a second write).
     */
    public boolean newerThan(Node cached) {
        String name = cached.getMetadata().getName();
        Written ours = byNode.get(name);
        if (ours == null) {
            return false;
        }
        if (ours.resourceVersion().equals(cached.getMetadata().getResourceVersion())) {
            byNode.remove(name, ours); // in the cache already: its echo came before we noted the write
            return false;
        }
        if (System.nanoTime() - ours.atNanos() > ECHO_EXPECTED_WITHIN.toNanos()) {
            byNode.remove(name, ours);
            return false;
        }
        return true;
    }
}
