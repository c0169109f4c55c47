package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.events.ProbeEvents;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an Event on a node when its verdict for a probe changes. The previous verdict comes
 * from memory, or after an operator restart from the node's verdict label, so a restart alone
 * does not produce a burst of events.
 *
 * <p>Events are sent one at a time by a thread of their own, as client-go's event recorder does:
 * the node patches that note verdicts do not wait for them, and a first labelling that finds
 * 500 Affected nodes among 5,000 sends its 500 Events beside the patches instead of inside 500
 * of them (docs/performance.md, "Labelling at the server's speed"). Past {@link #QUEUED} unsent
 * Events (a server refusing them for long) the newest are dropped with a log line: an Event is
 * informative, the verdict is on the node and in the status.
 */
public final class VerdictEvents {
    static final int QUEUED = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(VerdictEvents.class);
    private final ProbeEvents events;
    private final Map<String, Verdict> last = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(QUEUED),
            r -> {
                Thread t = new Thread(r, "verdict-events");
                t.setDaemon(true);
                return t;
            },
            (event, executor) -> LOG.warn("{} verdict events not sent yet: dropped one", QUEUED));

    public VerdictEvents(KubernetesClient client, String namespace) {
        this.events = new ProbeEvents(client, namespace);
        sender.allowCoreThreadTimeOut(true); // no thread while verdicts stay as they are
    }

    /** @param verdict the node's verdict now, or null when the probe has none for it (it is forgotten) */
    public void observe(Node node, String probe, Verdict verdict) {
        String key = probe + "/" + node.getMetadata().getName();
        if (verdict == null) {
            last.remove(key);
            return;
        }
        Verdict before = last.computeIfAbsent(key, k -> fromLabel(node, probe));
        last.put(key, verdict);
        // A first Compatible verdict is no news; on a large cluster it would be one event per node.
        if (before == verdict || before == null && verdict == Verdict.Compatible) {
            return;
        }
        String message = String.format(
                "StorageProbe %s: node verdict %s",
                probe, before == null ? "is " + verdict : "changed from " + before + " to " + verdict);
        sender.execute(() -> events.record(
                probe,
                new ObjectReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Node")
                        .withName(node.getMetadata().getName())
                        .withUid(node.getMetadata().getUid())
                        .build(),
                "Verdict" + verdict,
                verdict == Verdict.Affected || verdict == Verdict.Error ? "Warning" : "Normal",
                message));
    }

    private static Verdict fromLabel(Node node, String probe) {
        Map<String, String> labels = node.getMetadata().getLabels();
        String value = labels == null ? null : labels.get(StorageProbe.verdictLabel(probe));
        for (Verdict v : Verdict.values()) {
            if (v.name().toLowerCase(Locale.ROOT).equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        return null;
    }
}
