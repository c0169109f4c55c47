package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * namespace.create (issue 19): `helm install --create-namespace` cannot label the namespace, and
 * a chart cannot create the namespace Helm stores its release in. With the real helm against the
 * real API server: Helm creates the namespace, the chart's Namespace applies the Pod Security
 * labels onto it, and uninstalling keeps it (deleting it would delete everything in it).
 */
@ExtendWith(RealApiServer.class)
class ChartNamespaceRealIT {
    private static final Path CHART = Path.of("..").toAbsolutePath().normalize().resolve("charts/storageprobe");
    private static final String NAMESPACE = "sp-labelled";
    private static final String RELEASE = "nslabel";

    private final TestCluster cluster;

    ChartNamespaceRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
    }

    @Test
    void theChartLabelsTheNamespaceHelmCreatedForPrivilegedPodsAndKeepsItOnUninstall() throws IOException {
        // This API server is 1.20, below the chart's kubeVersion (the CRDs' CEL rules are served by
        // the 1.36 CRD server beside it): a copy of the chart without that gate is installed.
        Path copy = Files.createTempDirectory("chart-namespace");
        Path chart = ChartOnNode.copyWithoutKubeVersion(copy);
        try {
            // No CRDs (crds.sh puts them in the CRD server) and no StorageProbe: only the namespace matters.
            Command.Result install = helm(
                    "install",
                    RELEASE,
                    chart.toString(),
                    "--namespace",
                    NAMESPACE,
                    "--create-namespace",
                    "--skip-crds",
                    "--set",
                    "defaultProbe.enabled=false",
                    "--set",
                    "namespace.create=true",
                    // The uninstall hook is a Job: with no kubelet here it would never run (DeleteProbesRealIT
                    // tests its command; the whole uninstall is tested on the real node).
                    "--set",
                    "uninstallHook.enabled=false");
            assertThat(install.exitCode())
                    .as(install.stdout() + install.stderr())
                    .isZero();
            Namespace ns = cluster.admin().namespaces().withName(NAMESPACE).get();
            assertThat(ns.getMetadata().getLabels())
                    .containsAllEntriesOf(Map.of(
                            "pod-security.kubernetes.io/enforce", "privileged",
                            "pod-security.kubernetes.io/audit", "privileged",
                            "pod-security.kubernetes.io/warn", "privileged"));
            // The install's notes do not ask for the label the chart has just set.
            assertThat(install.stdout()).doesNotContain("kubectl label namespace");

            Command.Result uninstall = helm("uninstall", RELEASE, "--namespace", NAMESPACE);
            assertThat(uninstall.exitCode())
                    .as(uninstall.stdout() + uninstall.stderr())
                    .isZero();
            Namespace kept = cluster.admin().namespaces().withName(NAMESPACE).get();
            assertThat(kept).isNotNull();
            assertThat(kept.getStatus().getPhase()).isEqualTo("Active");
        } finally {
            helm("uninstall", RELEASE, "--namespace", NAMESPACE);
            cluster.admin().namespaces().withName(NAMESPACE).delete();
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Command.Result helm(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = Helm.binary().toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return Command.of(command)
                .withEnv(Map.of("KUBECONFIG", cluster.kubeconfig().toString()))
                .run(CHART, 2, TimeUnit.MINUTES);
    }
}
