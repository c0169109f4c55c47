package io.storageprobe.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.testing.HangingFilesystem;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Scheduling of targets: each has its own deadline, and a hung one hides nothing else. */
class NodeProbeTest {
    @Test
    void hungTargetIsReportedAsErrorWhileTheOthersAreProbed() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TargetProber real = new TargetProber();
        NodeProbe probe = new NodeProbe(RuleSet.all(), Duration.ofSeconds(2), target -> {
            if (target.name().equals("hung")) {
                // Stands in for a read stuck in the kernel, which ignores interrupts the same way.
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException ignored) {
                        // keep hanging, as uninterruptible I/O would
                    }
                }
            }
            return real.measure(target);
        });
        try {
            NodeResult result = probe.run("check", "node-a", List.of(
                    Target.device("hung"), Target.path("/var/tmp"), Target.device("sdzz9")));
            assertThat(result.targets()).extracting(TargetResult::name).containsExactly("hung", "/var/tmp", "sdzz9");
            assertThat(result.targets().get(0).verdict()).isEqualTo(Verdict.Error);
            assertThat(result.targets().get(0).reason()).isEqualTo("probe did not finish within 2 s (I/O hung?)");
            assertThat(result.targets().get(1).facts()).isNotNull();
            assertThat(result.targets().get(2).reason()).isEqualTo("no such device: /dev/sdzz9");
            assertThat(result.node()).isEqualTo("node-a");
            assertThat(result.kernelRelease()).isNotBlank();
        } finally {
            never.countDown();
        }
    }

    @Test
    void readHungInTheKernelTimesOutWithoutHidingTheOtherTargets() throws Exception {
        // The FUSE mount is made last so it is closed first: while a read hangs, this JVM cannot
        // start processes (losetup, umount), so the stuck reader is released before anything else.
        try (LoopDevice loop = LoopDevice.create(4096); HangingFilesystem fuse = HangingFilesystem.mount()) {
            NodeResult result = new NodeProbe(RuleSet.all(), Duration.ofSeconds(3)).run("check", "node-c",
                    List.of(Target.file(fuse.file().toString()), Target.device(loop.device())));
            assertThat(result.targets().get(0).verdict()).isEqualTo(Verdict.Error);
            assertThat(result.targets().get(0).reason()).isEqualTo("probe did not finish within 3 s (I/O hung?)");
            assertThat(result.targets().get(1).verdict()).isEqualTo(Verdict.Compatible);
            assertThat(result.targets().get(1).facts().logicalBlockSize()).isEqualTo(4096);
        }
    }

    @Test
    void nodeVerdictIsTheWorstOfItsTargets() {
        NodeResult result = new NodeProbe(RuleSet.all(), Duration.ofSeconds(30))
                .run("check", "node-b", List.of(Target.path("/var/tmp"), Target.device("sdzz9")));
        assertThat(result.verdict()).isEqualTo(Verdict.Error);
    }
}
