package io.storageprobe.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The target label: stable across a VM's pods for volumes, the name for everything else. */
class AgentMetricsTargetLabelTest {
    @Test
    void aVolumeIsLabelledByItsPersistentVolumeNotItsPodPath() {
        TargetResult volume = new TargetResult(
                TargetKind.VOLUME,
                "/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/pvc-1/dev/0a0a0a0a",
                null,
                null,
                "sdb",
                null,
                List.of(),
                Verdict.Compatible,
                null,
                null,
                "pvc-1");
        TargetResult device = new TargetResult(
                TargetKind.DEVICE,
                "sdb",
                "/dev/sdb",
                null,
                "sdb",
                null,
                List.of(),
                Verdict.Compatible,
                null,
                null,
                null);
        assertThat(AgentMetrics.target(volume)).isEqualTo("pv/pvc-1");
        assertThat(AgentMetrics.target(device)).isEqualTo("sdb");
    }
}
