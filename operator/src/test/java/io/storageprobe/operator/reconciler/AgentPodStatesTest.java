package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.storageprobe.operator.status.StuckAgentPod;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Agent pods kubelet cannot start are told apart from pods that are merely starting. */
class AgentPodStatesTest {

    @Test
    void imagePullAndCrashLoopCountWithNodeAndKubeletsMessage() {
        assertThat(AgentPodStates.stuck(Stream.of(
                        pod("agent-2", "node-b", "CrashLoopBackOff", "back-off 40s restarting failed container=agent"),
                        pod(
                                "agent-1",
                                "node-a",
                                "ImagePullBackOff",
                                "Back-off pulling image \"registry.example/sp:1\""))))
                .containsExactly(
                        new StuckAgentPod(
                                "node-a", "ImagePullBackOff", "Back-off pulling image \"registry.example/sp:1\""),
                        new StuckAgentPod(
                                "node-b", "CrashLoopBackOff", "back-off 40s restarting failed container=agent"));
    }

    @Test
    void aStartingRunningOrUnscheduledPodIsNotStuck() {
        assertThat(AgentPodStates.stuck(Stream.of(
                        pod("a", "n", "ContainerCreating", ""),
                        pod("b", null, null, null),
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("c")
                                .endMetadata()
                                .build())))
                .isEmpty();
    }

    @Test
    void onlyAChangeOfTheStuckStateWakesAReconcile() {
        Pod pulling = pod("a", "n", "ErrImagePull", "unauthorized");
        assertThat(AgentPodStates.stuckChanged(pulling, pod("a", "n", "ContainerCreating", "")))
                .isTrue();
        assertThat(AgentPodStates.stuckChanged(pulling, pod("a", "n", "ErrImagePull", "unauthorized")))
                .isFalse();
        assertThat(AgentPodStates.stuckChanged(pulling, SlimItemStore.slim(pulling)))
                .as("the slim cached copy keeps what is compared")
                .isFalse();
    }

    @Test
    void aLongRegistryAnswerIsShortened() {
        assertThat(AgentPodStates.stuck(pod("a", "n", "ErrImagePull", "x".repeat(5000)))
                        .orElseThrow()
                        .message())
                .hasSize(203);
    }

    private static Pod pod(String name, String node, String waitingReason, String message) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec();
        if (waitingReason == null) {
            return b.withNewStatus()
                    .addToContainerStatuses(new ContainerStatusBuilder()
                            .withName("agent")
                            .withState(new ContainerStateBuilder()
                                    .withNewRunning()
                                    .endRunning()
                                    .build())
                            .build())
                    .endStatus()
                    .build();
        }
        return b.withNewStatus()
                .addToContainerStatuses(new ContainerStatusBuilder()
                        .withName("agent")
                        .withRestartCount(3)
                        .withImage("registry.example/sp:1")
                        .withState(new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason(waitingReason)
                                .withMessage(message)
                                .endWaiting()
                                .build())
                        .build())
                .endStatus()
                .build();
    }
}
