package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why the agent pods are not there. The DaemonSet's status only counts them; the API server's
 * answer to the controller (Pod Security admission, a ResourceQuota, a LimitRange refusing the
 * privileged pod) is recorded only as a Warning Event, reason FailedCreate, on the DaemonSet.
 * Those Events of the operator's namespace are watched by an informer ({@link #FAILED_CREATE}
 * selects them at the server, so the cache holds only refusals of DaemonSets) and read here from
 * its cache while pods are missing.
 */
final class AgentPodRefusals {
    /** The longest Event message kept: a condition message is for a sentence, not a dump. */
    private static final int MAX_MESSAGE = 600;

    /** The informer's field selector: the refusals of DaemonSets (core v1 Events support both fields). */
    static final FieldSelector FAILED_CREATE = new FieldSelector(
            new FieldSelector.Field("reason", "FailedCreate"),
            new FieldSelector.Field("involvedObject.kind", "DaemonSet"));

    private AgentPodRefusals() {}

    /** The latest refusal among these Events that concerns this very DaemonSet. */
    static Optional<String> latest(Stream<Event> events, DaemonSet ds) {
        // The uid, not the name: Events of an earlier DaemonSet of the same name do not count.
        String uid = ds.getMetadata().getUid();
        return events.filter(e -> e.getInvolvedObject() != null
                        && uid != null
                        && uid.equals(e.getInvolvedObject().getUid()))
                .max(Comparator.comparing(AgentPodRefusals::lastSeen))
                .map(e -> shorten(e.getMessage()));
    }

    /** The probe whose agent DaemonSet an Event is about, by the DaemonSet's name ({@link AgentDaemonSet#name}). */
    static Optional<String> probeOf(Event e) {
        String name =
                e.getInvolvedObject() == null ? null : e.getInvolvedObject().getName();
        return name != null
                        && name.startsWith(AgentDaemonSet.NAME_PREFIX)
                        && name.length() > AgentDaemonSet.NAME_PREFIX.length()
                ? Optional.of(name.substring(AgentDaemonSet.NAME_PREFIX.length()))
                : Optional.empty();
    }

    /** Core v1 Events carry their time in one of several fields, depending on the recorder. */
    private static Instant lastSeen(Event e) {
        return Stream.of(
                        e.getSeries() == null ? null : time(e.getSeries().getLastObservedTime()),
                        time(e.getEventTime()),
                        e.getLastTimestamp(),
                        e.getMetadata().getCreationTimestamp())
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
