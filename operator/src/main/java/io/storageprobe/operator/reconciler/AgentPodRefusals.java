package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why the agent pods are not there. The DaemonSet's status only counts them; the API server's
 * answer to the controller (Pod Security admission, a ResourceQuota, a LimitRange refusing the
 * privileged pod) is recorded only as a Warning Event, reason FailedCreate, on the DaemonSet.
 * Read on demand, while pods are missing, rather than watched: Events are many and short-lived.
 */
final class AgentPodRefusals {
    /** The longest Event message kept: a condition message is for a sentence, not a dump. */
    private static final int MAX_MESSAGE = 600;

    private AgentPodRefusals() {
    }

    static Optional<String> latest(KubernetesClient client, DaemonSet ds) {
        // The uid, not the name: Events of an earlier DaemonSet of the same name do not count.
        return client.v1().events().inNamespace(ds.getMetadata().getNamespace())
                .withField("involvedObject.uid", ds.getMetadata().getUid())
                .withField("reason", "FailedCreate")
                .list().getItems().stream()
                .max(Comparator.comparing(AgentPodRefusals::lastSeen))
                .map(e -> shorten(e.getMessage()));
    }

    /** Core v1 Events carry their time in one of several fields, depending on the recorder. */
    private static Instant lastSeen(Event e) {
        return Stream.of(e.getSeries() == null ? null : time(e.getSeries().getLastObservedTime()), time(e.getEventTime()),
                        e.getLastTimestamp(), e.getMetadata().getCreationTimestamp())
                .filter(t -> t != null && !t.isEmpty())
                .map(Instant::parse)
                .max(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
    }

    private static String time(MicroTime t) {
        return t == null ? null : t.getTime();
    }

    private static String shorten(String message) {
        String m = message == null ? "(no message)" : message.strip();
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "...";
    }
}
