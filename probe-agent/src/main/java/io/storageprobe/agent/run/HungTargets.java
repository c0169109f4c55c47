package io.storageprobe.agent.run;

import io.storageprobe.agent.target.Target;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Targets whose probe is still stuck, kept by a long-lived caller (the agent) across runs. A
 * target stays here while its abandoned worker lives; until then it is not read again, so a hung
 * disk costs one stuck process, not one more every interval.
 */
public final class HungTargets {
    record Stuck(ProbeWorker worker, Instant since) {}

    private final Map<String, Stuck> stuck = new ConcurrentHashMap<>();

    /** The stuck probe of this target, or empty (forgetting a stuck probe that has ended since). */
    Optional<Stuck> stillHung(Target target) {
        String key = TargetIdentity.key(target);
        Stuck s = stuck.get(key);
        if (s != null && s.worker().finished()) {
            stuck.remove(key, s);
            return Optional.empty();
        }
        return Optional.ofNullable(s);
    }

    void add(Target target, ProbeWorker worker, Instant since) {
        stuck.put(TargetIdentity.key(target), new Stuck(worker, since));
    }

    /** How many probes are stuck right now. */
    public int count() {
        stuck.values().removeIf(s -> s.worker().finished());
        return stuck.size();
    }
}
