package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.Test;

/** namespace.create: the release namespace labelled for the privileged agent pods (real install: ChartNamespaceRealIT). */
class ChartNamespaceTest {

    @Test
    void onRequestTheReleaseNamespaceIsLabelledPrivilegedAndKeptOnUninstall() {
        Namespace ns = Chart.render("namespace.create=true").one(Namespace.class, Chart.NAMESPACE);
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
                .containsEntry("pod-security.kubernetes.io/audit", "privileged")
                .containsEntry("pod-security.kubernetes.io/warn", "privileged");
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    }

    @Test
    void byDefaultTheChartLeavesTheNamespaceAlone() {
        assertThat(Chart.render().all(Namespace.class)).isEmpty();
    }
}
