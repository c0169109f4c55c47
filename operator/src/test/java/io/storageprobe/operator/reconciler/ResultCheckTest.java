package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCheckTest {
    private static StorageProbeResult result(String name, NodeResult spec) {
        StorageProbeResult r = new StorageProbeResult();
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        r.setSpec(spec);
        return r;
    }

    private static NodeResult spec(String probe, String node, Verdict verdict) {
        return new NodeResult(
                probe, node, "6.1", "b", "Debian", "2026-12-01T10:00:00Z", "0.1.0", List.of(), verdict, null);
    }

    @Test
    void countsOnlyAResultAboutTheNodeAndProbeItsNameSaysWithAVerdict() {
        assertThat(ResultCheck.problem(result("p.n1", spec("p", "n1", Verdict.Compatible)), "p"))
                .isEmpty();
        assertThat(ResultCheck.problem(result("p.n1", null), "p")).contains("it has no spec");
        assertThat(ResultCheck.problem(result("p.n1", spec("p", null, Verdict.Compatible)), "p"))
                .contains("spec.node is missing");
        assertThat(ResultCheck.problem(result("p.n1", spec("q", "n1", Verdict.Compatible)), "p"))
                .contains("spec.probe is 'q', but its label says StorageProbe p");
        assertThat(ResultCheck.problem(result("p.n1", spec("p", "n2", Verdict.Affected)), "p"))
                .contains("its spec.node is n2, whose result is named p.n2");
        assertThat(ResultCheck.problem(result("p.n1", spec("p", "n1", null)), "p"))
                .contains("spec.verdict is missing");
        // A node name too long for "probe.node" gets the hashed name the agent uses.
        String longNode = "n".repeat(260);
        assertThat(ResultCheck.problem(
                        result(StorageProbeResult.nameFor("p", longNode), spec("p", longNode, Verdict.Compatible)),
                        "p"))
                .isEmpty();
    }
}
