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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
            assertThat(result.targets().get(0).reason()).startsWith("probe did not finish within 2 s (I/O hung?)");
            assertThat(result.targets().get(1).facts()).isNotNull();
            assertThat(result.targets().get(2).reason()).isEqualTo("no such device: /dev/sdzz9");
            assertThat(result.node()).isEqualTo("node-a");
            assertThat(result.kernelRelease()).isNotBlank();
        } finally {
            never.countDown();
        }
    }

    @Test
    void readHungInTheKernelTimesOutWithoutHidingTheOtherTargetsOrHoldingThisProcess() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096); HangingFilesystem fuse = HangingFilesystem.mount()) {
            NodeResult result = new NodeProbe(RuleSet.all(), Duration.ofSeconds(5)).run("check", "node-c",
                    List.of(Target.file(fuse.file().toString()), Target.device(loop.device())));
            assertThat(result.targets().get(0).verdict()).isEqualTo(Verdict.Error);
            assertThat(result.targets().get(0).reason()).startsWith("probe did not finish within 5 s (I/O hung?);"
                    + " its process (pid ").endsWith(") was killed, and stays until the kernel ends the read");
            assertThat(result.targets().get(1).verdict()).isEqualTo(Verdict.Compatible);
            assertThat(result.targets().get(1).facts().logicalBlockSize()).isEqualTo(4096);
            // The read is still stuck (hangfs never answers), yet this JVM can still start processes:
            // a read stuck in this process would hold its memory map and block fork until hangfs dies.
            assertThat(startsAProcessWithin(Duration.ofSeconds(20))).isTrue();
        }
    }

    @Test
    void aTargetStillHungFromTheLastRunIsReportedWithoutAnotherRead() throws Exception {
        HungTargets hung = new HungTargets();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        NodeProbe probe = new NodeProbe(RuleSet.all(), Duration.ofSeconds(1), hung, target -> {
            started.incrementAndGet();
            return new ThreadProbe(target, t -> {
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException ignored) {
                        // keep hanging, as uninterruptible I/O would
                    }
                }
            });
        });
        try {
            assertThat(probe.run("p", "n", List.of(Target.device("hung"))).targets().get(0).reason())
                    .startsWith("probe did not finish within 1 s");
            String second = probe.run("p", "n", List.of(Target.device("/dev/../dev/hung"))).targets().get(0).reason();
            assertThat(second).startsWith("still hung since ").contains("is stuck in the kernel; not read again");
            assertThat(started).hasValue(1);
            assertThat(hung.count()).isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aCapOnConcurrentWorkersProbesEveryTargetEachWithItsOwnTimeout() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        NodeProbe probe = new NodeProbe(RuleSet.all(), Duration.ofSeconds(1), new HungTargets(),
                target -> new ThreadProbe(target, t -> {
                    // "hung" outlasts its timeout and is then given up, its slot freed while it still
                    // sleeps (as a read stuck in the kernel stays): only the others are counted, and
                    // of them no more than the cap may run at once.
                    boolean hung = t.name().equals("hung");
                    if (!hung) {
                        most.accumulateAndGet(now.incrementAndGet(), Math::max);
                    }
                    try {
                        Thread.sleep(hung ? 3_000 : 300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        if (!hung) {
                            now.decrementAndGet();
                        }
                    }
                    return Measurement.error(t, null, "measured");
                })).withMaxConcurrent(2);
        NodeResult result = probe.run("p", "n", List.of(Target.device("hung"), Target.device("a"),
                Target.device("b"), Target.device("c"), Target.device("d")));
        assertThat(result.targets()).extracting(TargetResult::reason).containsExactly(
                "probe did not finish within 1 s (I/O hung?); its process (thread probe) was killed, and stays until"
                        + " the kernel ends the read", "measured", "measured", "measured", "measured");
        assertThat(most).hasValueLessThanOrEqualTo(2);
    }

    @Test
    void theSameTargetNamedTwiceIsProbedOnce() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            NodeResult result = new NodeProbe(RuleSet.all(), Duration.ofSeconds(30)).run("check", "node-d", List.of(
                    Target.device(loop.name()), Target.device(loop.device()), Target.path("/var/tmp"),
                    Target.path("/var/tmp/"), Target.path("/var/./tmp")));
            assertThat(result.targets()).extracting(TargetResult::name).containsExactly(loop.name(), "/var/tmp");
        }
    }

    private static boolean startsAProcessWithin(Duration limit) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                new ProcessBuilder("true").start().waitFor();
                done.countDown();
            } catch (Exception e) {
                // not started: the latch stays closed
            }
        }, "fork-check");
        t.setDaemon(true);
        t.start();
        return done.await(limit.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void nodeVerdictIsTheWorstOfItsTargets() {
        NodeResult result = new NodeProbe(RuleSet.all(), Duration.ofSeconds(30))
                .run("check", "node-b", List.of(Target.path("/var/tmp"), Target.device("sdzz9")));
        assertThat(result.verdict()).isEqualTo(Verdict.Error);
    }
}
