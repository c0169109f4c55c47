package io.storageprobe.agent.access;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;

/**
 * Measures one target with the {@link TargetAccess} of its kind. A target that cannot be probed
 * is a measurement too: an Error with a one-line reason.
 */
public final class TargetProber {
    public Measurement measure(Target target) {
        TargetAccess access = switch (target.kind()) {
            case DEVICE -> new DeviceTarget();
            case FILE -> new FileTarget();
            case PATH -> new DirectoryTarget();
            case VOLUME -> new VolumeTarget();
        };
        try {
            return access.measure(target);
        } catch (TargetError e) {
            return Measurement.error(target, null, e.getMessage());
        }
    }
}
