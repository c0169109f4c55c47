package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.discovery.DeviceDiscovery;
import io.storageprobe.agent.run.HungTargets;
import io.storageprobe.agent.testing.HangingFilesystem;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's probe runs on a node with a disk that hangs for good (a real FUSE mount that never answers). */
class EngineProbeRunnerTest {
    @Test
    void aTargetStillHungAtTheNextCycleIsReportedWithoutASecondWorkerAndTheOthersAreProbed() throws Exception {
        // The FUSE mount is closed first: killing hangfs releases the stuck worker.
        try (LoopDevice loop = LoopDevice.create(4096);
                HangingFilesystem fuse = HangingFilesystem.mount()) {
            HungTargets hung = new HungTargets();
            EngineProbeRunner runner = new EngineProbeRunner(Duration.ofSeconds(5), new DeviceDiscovery(), hung);
            ProbeSettings settings = new ProbeSettings(
                    "uid",
                    1,
                    List.of(loop.name()),
                    List.of(),
                    List.of(),
                    List.of(fuse.file().toString()),
                    List.of(),
                    Duration.ofMinutes(1),
                    QemuInForce.unknown("test"),
                    false);

            long start = System.nanoTime();
            NodeResult first = runner.run("vmdisks", "worker-1", settings);
            long firstCycle = System.nanoTime() - start;
            assertThat(reason(first, fuse.file().toString())).startsWith("probe did not finish within 5 s");
            assertThat(device(first, loop).facts())
                    .as(device(first, loop).reason())
                    .isNotNull();

            long running = liveDescendants();
            start = System.nanoTime();
            NodeResult second = runner.run("vmdisks", "worker-1", settings);
            long secondCycle = System.nanoTime() - start;
            assertThat(reason(second, fuse.file().toString()))
                    .startsWith("still hung since ")
                    .contains("is stuck in the kernel; not read again until it ends");
            assertThat(device(second, loop).facts())
                    .as("the other target is still probed")
                    .isNotNull();
            // hangfs and the stuck worker of cycle 1; the device's worker of cycle 2 has exited.
            assertThat(liveDescendants())
                    .as("no second worker on the hung target")
                    .isEqualTo(running);
            assertThat(hung.count()).isEqualTo(1);
            System.out.printf(
                    "agent cycle with one hung target: first %d ms, second %d ms%n",
                    firstCycle / 1_000_000, secondCycle / 1_000_000);
        }
    }

    private static String reason(NodeResult result, String file) {
        TargetResult t = result.targets().stream()
                .filter(r -> r.name().equals(file))
                .findFirst()
                .orElseThrow();
        assertThat(t.verdict()).isEqualTo(Verdict.Error);
        return t.reason();
    }

    private static TargetResult device(NodeResult result, LoopDevice loop) {
        return result.targets().stream()
                .filter(r -> r.name().equals(loop.name()))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Processes started by this JVM and still alive. (A killed worker stuck in the kernel has no
     * command line any more: its memory map is being torn down. So they are counted, not named.)
     */
    private static long liveDescendants() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .count();
    }
}
