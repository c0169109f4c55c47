package io.storageprobe.agent.discovery;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.util.List;

/**
 * What discovery selected for a run.
 *
 * @param targets  to probe
 * @param problems what was asked for but could not be found, each the Error the user sees for it
 */
public record FoundTargets(List<Target> targets, List<Measurement> problems) {
    public FoundTargets {
        targets = List.copyOf(targets);
        problems = List.copyOf(problems);
    }
}
