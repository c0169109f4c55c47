package io.storageprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Result names and labels stay within the API server's limits even for very long node names. */
class StorageProbeResultNameTest {

    @Test
    void isProbeDotNode() {
        assertThat(StorageProbeResult.nameFor("vmdisks", "worker-1.example.com"))
                .isEqualTo("vmdisks.worker-1.example.com");
        assertThat(StorageProbeResult.nodeLabelValue("worker-1")).isEqualTo("worker-1");
    }

    @Test
    void aNodeNameTooLongForTheObjectNameIsHashedStably() {
        String node = "n".repeat(250);
        String name = StorageProbeResult.nameFor("p".repeat(63), node);
        assertThat(name)
                .hasSizeLessThanOrEqualTo(253)
                .startsWith("p".repeat(63) + ".")
                .isEqualTo(StorageProbeResult.nameFor("p".repeat(63), node))
                .isNotEqualTo(StorageProbeResult.nameFor("p".repeat(63), "m".repeat(250)));
        assertThat(StorageProbeResult.nodeLabelValue(node)).isNull();
    }
}
