package io.storageprobe.operator.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import org.junit.jupiter.api.Test;

/** Our node writes as the Node informer sees them come back. */
class OwnNodeWritesTest {
    private final OwnNodeWrites writes = new OwnNodeWrites();

    @Test
    void theEchoOfOurWriteIsRecognisedOnce() {
        writes.record(node("n1", "12"));
        assertThat(writes.isEcho(node("n1", "11")))
                .as("an older version (kubelet's)")
                .isFalse();
        assertThat(writes.isEcho(node("n2", "12"))).as("another node").isFalse();
        assertThat(writes.isEcho(node("n1", "12"))).isTrue();
        assertThat(writes.isEcho(node("n1", "12"))).as("forgotten once seen").isFalse();
    }

    @Test
    void aCachedCopyOlderThanOurWriteIsNotPlannedOn() {
        assertThat(writes.newerThan(node("n1", "11"))).as("nothing written").isFalse();
        writes.record(node("n1", "12"));
        assertThat(writes.newerThan(node("n1", "11"))).isTrue();
        assertThat(writes.newerThan(node("n1", "12")))
                .as("the cache has our write")
                .isFalse();
        assertThat(writes.isEcho(node("n1", "12")))
                .as("forgotten once the cache has it: the echo came before the write was noted")
                .isFalse();
        assertThat(writes.newerThan(node("n1", "13")))
                .as("a later change, someone else's")
                .isFalse();
    }

    @Test
    void aWriteWithoutAnAnswerIsNotRecorded() {
        writes.record(null);
        writes.record(
                new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());
        assertThat(writes.newerThan(node("n1", "11"))).isFalse();
    }

    private static Node node(String name, String resourceVersion) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withResourceVersion(resourceVersion)
                .endMetadata()
                .build();
    }
}
