package io.storageprobe.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.access.TargetProber;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.NodeMeasurement;
import io.storageprobe.agent.target.Target;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Scheduling of targets: each has its own deadline, and a hung one hides nothing else. */
class NodeProbeTest {
    @Test
    void hungTargetIsReportedAsErrorWhileTheOthersAreProbed() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TargetProber real = new TargetProber();
        NodeProbe probe = new NodeProbe(
                Duration.ofSeconds(2),
                new HungTargets(),
                () -> new ThreadProbe(target -> {
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
                }));
        try {
            NodeResult result = judged(probe.run(
                    "check",
                    "node-a",
                    List.of(Target.device("hung"), Target.path("/var/tmp"), Target.device("sdzz9"))));
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
        AtomicInteger children = new AtomicInteger();
        try (LoopDevice a = LoopDevice.create(4096);
                LoopDevice b = LoopDevice.create(4096);
                LoopDevice c = LoopDevice.create(512);
                LoopDevice d = LoopDevice.create(4096);
                HangingFilesystem fuse = HangingFilesystem.mount()) {
            NodeResult result = judged(new NodeProbe(Duration.ofSeconds(5), new HungTargets(), () -> {
                        children.incrementAndGet();
                        return ChildProbe.start();
                    })
                    .run(
                            "check",
                            "node-c",
                            List.of(
                                    Target.file(fuse.file().toString()),
                                    Target.device(a.device()),
                                    Target.device(b.device()),
                                    Target.device(c.device()),
                                    Target.device(d.device()))));
            assertThat(result.targets().get(0).verdict()).isEqualTo(Verdict.Error);
            assertThat(result.targets().get(0).reason())
                    .startsWith("probe did not finish within 5 s (I/O hung?);" + " its process (pid ")
                    .endsWith(") was killed, and stays until the kernel ends the read");
            assertThat(result.targets().subList(1, 5))
                    .extracting(TargetResult::verdict)
                    .as(result.targets().stream()
                            .map(TargetResult::reason)
                            .toList()
                            .toString())
                    .containsOnly(Verdict.Compatible);
            assertThat(result.targets().subList(1, 5))
                    .extracting(t -> t.facts().logicalBlockSize())
                    .containsExactly(4096, 4096, 512, 4096);
            assertThat(children)
                    .as("one child, and a spare for the targets waiting behind the hung one")
                    .hasValueBetween(2, 3);
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
        NodeProbe probe = new NodeProbe(Duration.ofSeconds(1), hung, () -> {
            started.incrementAndGet();
            return new ThreadProbe(t -> {
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
            assertThat(judged(probe.run("p", "n", List.of(Target.device("hung"))))
                            .targets()
                            .get(0)
                            .reason())
                    .startsWith("probe did not finish within 1 s");
            String second = judged(probe.run("p", "n", List.of(Target.device("/dev/../dev/hung"))))
                    .targets()
                    .get(0)
                    .reason();
            assertThat(second).startsWith("still hung since ").contains("is stuck in the kernel; not read again");
            assertThat(started).hasValue(1);
            assertThat(hung.count()).isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aFewWorkersProbeEveryTargetEachWithItsOwnTimeoutAndAHungOneIsReplaced() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger workers = new AtomicInteger();
        NodeProbe probe = new NodeProbe(Duration.ofSeconds(1), new HungTargets(), () -> {
                    workers.incrementAndGet();
                    return new ThreadProbe(t -> {
                        // "hung" outlasts its timeout and is then given up with its worker, whose lane goes
                        // on with a new one while it still sleeps (as a read stuck in the kernel stays):
                        // only the others are counted, and of them no more than the limit may run at once.
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
                    });
                })
                .withLimits(2, 2);
        List<Target> targets = List.of(
                Target.device("hung"),
                Target.device("a"),
                Target.device("b"),
                Target.device("c"),
                Target.device("d"),
                Target.device("e"),
                Target.device("f"));

        NodeResult result = judged(probe.run("p", "n", targets));

        assertThat(result.targets())
                .extracting(TargetResult::reason)
                .containsExactly(
                        "probe did not finish within 1 s (I/O hung?); its process (thread probe) was killed, and stays until"
                                + " the kernel ends the read",
                        "measured",
                        "measured",
                        "measured",
                        "measured",
                        "measured",
                        "measured");
        assertThat(most).hasValueLessThanOrEqualTo(2);
        assertThat(workers)
                .as("two lanes, one of them given up with the hung target once")
                .hasValueBetween(2, 3);
    }

    @Test
    void oneWorkerMeasuresQuickTargetsAlone() {
        AtomicInteger workers = new AtomicInteger();
        NodeProbe probe = new NodeProbe(Duration.ofSeconds(30), new HungTargets(), () -> {
            workers.incrementAndGet();
            return new ThreadProbe(t -> Measurement.error(t, null, "measured"));
        });
        List<Target> targets =
                IntStream.range(0, 32).mapToObj(i -> Target.device("d" + i)).toList();

        NodeResult result = judged(probe.run("p", "n", targets));

        assertThat(result.targets()).extracting(TargetResult::reason).containsOnly("measured");
        assertThat(workers).as("no second JVM for targets that do not wait").hasValue(1);
    }

    @Test
    void targetsWaitingBehindASlowOneGetASpareWorker() {
        AtomicInteger workers = new AtomicInteger();
        CountDownLatch othersMeasured = new CountDownLatch(3);
        NodeProbe probe = new NodeProbe(Duration.ofSeconds(60), new HungTargets(), () -> {
            workers.incrementAndGet();
            return new ThreadProbe(t -> {
                if (t.name().equals("slow")) {
                    // Ends only once the targets queued behind it are measured: by a spare worker,
                    // long before its own 60 s timeout would free its lane.
                    try {
                        othersMeasured.await();
                    } catch (InterruptedException e) {
                        return Measurement.error(t, null, "given up");
                    }
                } else {
                    othersMeasured.countDown();
                }
                return Measurement.error(t, null, "measured");
            });
        });

        NodeResult result = judged(probe.run(
                "p", "n", List.of(Target.device("slow"), Target.device("a"), Target.device("b"), Target.device("c"))));

        assertThat(result.targets()).extracting(TargetResult::reason).containsOnly("measured");
        assertThat(workers).hasValue(2);
    }

    @Test
    void pastTheLimitOfStuckProbesTargetsAreReportedNotProbedUntilOneEnds() throws Exception {
        HungTargets hung = new HungTargets();
        CountDownLatch release = new CountDownLatch(1);
        NodeProbe probe = new NodeProbe(
                        Duration.ofSeconds(1),
                        hung,
                        () -> new ThreadProbe(t -> {
                            while (t.name().equals("hung") && release.getCount() > 0) {
                                try {
                                    release.await();
                                } catch (InterruptedException ignored) {
                                    // keep hanging, as uninterruptible I/O would
                                }
                            }
                            return Measurement.error(t, null, "measured");
                        }))
                .withLimits(2, 1);

        probe.run("p", "n", List.of(Target.device("hung")));
        NodeResult whileStuck = judged(probe.run("p", "n", List.of(Target.device("a"), Target.device("b"))));
        release.countDown();
        for (int i = 0; i < 100 && hung.count() > 0; i++) {
            Thread.sleep(50); // the given-up worker's thread ends once its read does
        }
        NodeResult after = judged(probe.run("p", "n", List.of(Target.device("a"))));

        assertThat(whileStuck.targets())
                .extracting(TargetResult::reason)
                .containsOnly("not probed: 1 earlier probes"
                        + " are still stuck in the kernel, the most kept at once (each holds memory until its read ends);"
                        + " probed once one of them ends");
        assertThat(whileStuck.verdict()).isEqualTo(Verdict.Error);
        assertThat(after.targets()).extracting(TargetResult::reason).containsExactly("measured");
    }

    @Test
    void theSameTargetNamedTwiceIsProbedOnce() throws Exception {
        try (LoopDevice loop = LoopDevice.create(512)) {
            NodeResult result = judged(NodeProbe.inChildProcesses(Duration.ofSeconds(30))
                    .run(
                            "check",
                            "node-d",
                            List.of(
                                    Target.device(loop.name()),
                                    Target.device(loop.device()),
                                    Target.path("/var/tmp"),
                                    Target.path("/var/tmp/"),
                                    Target.path("/var/./tmp"))));
            assertThat(result.targets()).extracting(TargetResult::name).containsExactly(loop.name(), "/var/tmp");
        }
    }

    /** Judged as every caller of NodeProbe has it judged: by the rules, here for an unknown QEMU. */
    private static NodeResult judged(NodeMeasurement measured) {
        return RuleSet.all().judge(measured, null);
    }

    private static boolean startsAProcessWithin(Duration limit) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(
                () -> {
                    try {
                        new ProcessBuilder("true").start().waitFor();
                        done.countDown();
                    } catch (Exception e) {
                        // not started: the latch stays closed
                    }
                },
                "fork-check");
        t.setDaemon(true);
        t.start();
        return done.await(limit.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void nodeVerdictIsTheWorstOfItsTargets() {
        NodeResult result = judged(NodeProbe.inChildProcesses(Duration.ofSeconds(30))
                .run("check", "node-b", List.of(Target.path("/var/tmp"), Target.device("sdzz9"))));
        assertThat(result.verdict()).isEqualTo(Verdict.Error);
    }
}
