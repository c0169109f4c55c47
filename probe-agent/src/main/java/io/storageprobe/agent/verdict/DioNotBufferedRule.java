package io.storageprobe.agent.verdict;

import io.storageprobe.agent.probe.Filesystems;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fails where O_DIRECT is silently served from the page cache (btrfs, ZFS before 2.3): real
 * direct I/O can never read 1 byte or into a buffer at an odd address, so accepting either is the
 * tell. Probing such storage proves nothing about the disk beneath.
 */
public final class DioNotBufferedRule implements Rule {
    public static final String NAME = "dio-not-buffered";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        if (filesystem != null && Filesystems.isByteAlignedDirectIo(filesystem)) {
            return outcome(RuleStatus.NotApplicable, filesystem + " does direct I/O without alignment needs");
        }
        List<ProbeRead> oddReads = Stream.concat(
                        facts.requestProbes().stream().filter(r -> r.length() == 1),
                        facts.bufferProbes().stream().filter(r -> r.bufferOffset() == 1))
                .toList();
        if (oddReads.isEmpty()) {
            return outcome(RuleStatus.NotApplicable, "no 1-byte or odd-buffer read was made");
        }
        List<String> accepted = oddReads.stream().filter(ProbeRead::ok).map(DioNotBufferedRule::describe).toList();
        if (!accepted.isEmpty()) {
            return outcome(RuleStatus.Fail, String.join(" and ", accepted)
                    + " succeeded with O_DIRECT: reads are served from the page cache");
        }
        return outcome(RuleStatus.Pass, "a 1-byte read and a read into a buffer at +1 were rejected ("
                + oddReads.stream().map(ProbeRead::result).distinct().reduce((a, b) -> a + ", " + b).orElse("")
                + ")");
    }

    private static String describe(ProbeRead read) {
        return read.length() == 1 ? "a 1-byte read" : "a " + read.length() + "-byte read into a buffer at +1";
    }
}
