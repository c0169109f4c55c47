package io.storageprobe.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses spec.interval the way the CRD pattern describes it: hours, minutes and seconds in
 * Go's duration syntax ({@code 30m}, {@code 6h}, {@code 1h30m}). Both the operator (to reject
 * what the schema let through) and the agent (to schedule) use this one parser.
 */
public final class ProbeInterval {
    public static final Duration MINIMUM = Duration.ofMinutes(1);
    private static final Pattern WHOLE = Pattern.compile("^([0-9]{1,6}(h|m|s))+$");
    private static final Pattern PART = Pattern.compile("([0-9]{1,6})(h|m|s)");

    private ProbeInterval() {}

    /** The interval, or the 6h default when absent; throws IllegalArgumentException saying what is wrong. */
    public static Duration parse(String interval) {
        if (interval == null || interval.isEmpty()) {
            return parse(StorageProbeSpec.DEFAULT_INTERVAL);
        }
        if (!WHOLE.matcher(interval).matches()) {
            throw new IllegalArgumentException("'" + interval + "' is not a duration like 30m, 6h or 1h30m");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(interval);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "h" -> Duration.ofHours(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofSeconds(n);
                    });
        }
        if (total.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException("'" + interval + "' is shorter than the minimum of 1m");
        }
        return total;
    }
}
