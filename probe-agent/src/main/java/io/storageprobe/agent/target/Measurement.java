package io.storageprobe.agent.target;

import io.storageprobe.api.result.TargetFacts;

/**
 * What probing one target produced before any rule looked at it.
 *
 * @param target     what was asked for
 * @param path       what was opened (null if nothing could be)
 * @param filesystem filesystem type for path and file targets, and volumes read through a disk image
 * @param device     the block device beneath, where known
 * @param facts      the measured facts, or null when probing could not start
 * @param problem    why the target cannot be judged by the rules, or null
 */
public record Measurement(
        Target target, String path, String filesystem, String device, TargetFacts facts, Problem problem) {

    /** A target that cannot be judged: O_DIRECT is not really available, or probing failed. */
    public record Problem(Kind kind, String reason) {
        public enum Kind {
            UNSUPPORTED,
            ERROR
        }
    }

    public static Measurement error(Target target, String path, String reason) {
        return new Measurement(target, path, null, null, null, new Problem(Problem.Kind.ERROR, reason));
    }
}
