package io.storageprobe.api.qemu;

import io.storageprobe.api.result.QemuInForce;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU release as major.minor[.micro], ordered numerically (10.1 is newer than 9.1).
 *
 * @param major the major number, e.g. 7
 * @param minor the minor number, e.g. 2
 * @param micro the micro number, 0 when not given
 */
public record QemuVersion(int major, int minor, int micro) implements Comparable<QemuVersion> {
    /** What spec.qemu and --qemu accept besides "auto": 7.2, 9.1.0. */
    public static final String PATTERN = "^[0-9]{1,3}\\.[0-9]{1,3}(\\.[0-9]{1,3})?$";

    private static final Pattern SYNTAX = Pattern.compile(PATTERN);
    /** The first "N.N[.N]" in a --version line such as "qemu-img version 7.2.0 (Debian 1:7.2+dfsg-7)". */
    private static final Pattern IN_TEXT = Pattern.compile("version ([0-9]{1,3})\\.([0-9]{1,3})(?:\\.([0-9]{1,3}))?");

    /** Throws IllegalArgumentException saying what is accepted. */
    public static QemuVersion parse(String text) {
        if (text == null || !SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "a QEMU version is major.minor[.micro] such as 7.2 or 9.1.0, not '" + text + "'");
        }
        String[] parts = text.split("\\.");
        return new QemuVersion(
                Integer.parseInt(parts[0]),
                Integer.parseInt(parts[1]),
                parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
    }

    /** The version a result was judged for, or null when unknown or unparsable (then every rule counts). */
    public static QemuVersion inForce(QemuInForce qemu) {
        try {
            return qemu == null || qemu.version() == null ? null : parse(qemu.version());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The version in the output of {@code qemu-img --version}, or null if there is none. */
    public static QemuVersion fromVersionOutput(String output) {
        Matcher m = IN_TEXT.matcher(output == null ? "" : output);
        if (!m.find()) {
            return null;
        }
        return new QemuVersion(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    public boolean isOlderThan(QemuVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(QemuVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
        return micro == 0 ? major + "." + minor : major + "." + minor + "." + micro;
    }
}
