package io.storageprobe.operator.qemu;

import io.storageprobe.api.result.QemuInForce;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the operator remembers of KubeVirt's QEMU between lookups: the answer of the newest
 * readable release, and the trouble the lookups have had since. A failed LIST, a KubeVirt that
 * reports no release or one the table cannot read does not undo what an earlier lookup learnt:
 * it would flip verdicts, labels and taints at each poll. Only a readable release replaces the
 * answer, and "every rule counts" is left for a cluster where no release was ever read.
 *
 * @param known        the table's answer for the newest readable release, or null if none was read
 * @param trouble      the finding of the lookups since then, when it was not a readable release, or null
 * @param troubleSince when that kind of trouble was first seen (kept while it repeats, so that a
 *                     failing poll does not rewrite the status each time), or null
 */
public record KubeVirtQemuState(QemuInForce known, KubeVirtRelease trouble, Instant troubleSince) {
    public static final KubeVirtQemuState NOTHING_YET = new KubeVirtQemuState(null, null, null);
    /** How a kept answer's message ends: it is cut off again when read back from a status. */
    static final String KEPT = " (kept: ";

    /** The state after a lookup found {@code finding} at {@code now}. */
    public KubeVirtQemuState after(KubeVirtRelease finding, Instant now) {
        var answer = finding.version() == null
                ? null
                : KubeVirtQemuTable.qemuOf(finding.version()).orElse(null);
        if (answer != null) {
            return new KubeVirtQemuState(answer, null, null);
        }
        boolean sameKind = trouble != null && headline(trouble).equals(headline(finding));
        return new KubeVirtQemuState(known, finding, sameKind ? troubleSince : now.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * After an operator restart, the QEMU a probe's status was judged for, if nothing has been
     * learnt yet in this process: a restart while the lookups fail must not flip verdicts either.
     * Only a KubeVirt answer with a version counts; spec.qemu's says nothing about KubeVirt.
     */
    public KubeVirtQemuState readBack(QemuInForce inStatus) {
        if (known != null
                || inStatus == null
                || inStatus.version() == null
                || !QemuInForce.KUBEVIRT.equals(inStatus.source())) {
            return this;
        }
        String message = Objects.requireNonNullElse(inStatus.message(), "");
        int kept = message.indexOf(KEPT);
        return new KubeVirtQemuState(
                new QemuInForce(inStatus.version(), inStatus.source(), kept < 0 ? message : message.substring(0, kept)),
                trouble,
                troubleSince);
    }

    /** The QEMU to judge for now, its message saying when it is a kept one and why. */
    public QemuInForce inForce() {
        if (trouble == null) {
            return known != null
                    ? known
                    : QemuInForce.unknown("KubeVirt has not been looked up yet: every rule counts");
        }
        if (known == null) {
            return QemuInForce.unknown(detail(trouble) + ": every rule counts"
                    + (unreadable(trouble) ? "; set spec.qemu to the QEMU its virt-launcher runs" : ""));
        }
        return new QemuInForce(
                known.version(),
                known.source(),
                known.message() + KEPT + headline(trouble) + " at " + troubleSince + ": " + detail(trouble) + ")");
    }

    /** Whether the last lookup read a release (True for the QemuResolved condition). */
    public boolean current() {
        return trouble == null && known != null;
    }

    /** The condition's reason when not current. */
    public String troubleReason() {
        if (trouble == null) {
            return known == null ? "NotLookedUp" : null;
        }
        return unreadable(trouble)
                ? "KubeVirtReleaseUnreadable"
                : trouble.failed() ? "KubeVirtLookupFailed" : "NoKubeVirtRelease";
    }

    static boolean unreadable(KubeVirtRelease finding) {
        return finding.version() != null;
    }

    private static String headline(KubeVirtRelease finding) {
        return unreadable(finding)
                ? "the KubeVirt release cannot be read"
                : finding.failed() ? "the KubeVirt lookup failed" : "the KubeVirt lookup found no release";
    }

    static String detail(KubeVirtRelease finding) {
        return unreadable(finding)
                ? "KubeVirt " + finding.resource() + " reports release '" + finding.version() + "', which is not vX.Y.Z"
                : finding.problem();
    }
}
