package io.storageprobe.operator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one real control plane for the whole test run, with the chart's CRDs,
 * ServiceAccounts and RBAC installed; stopped when the run ends (JUnit closes the root store),
 * or by the JVM's shutdown hook if the run is cut short. Each test class starts from a cluster
 * without StorageProbes, results, agent DaemonSets or Nodes. Injects {@link TestCluster} and
 * {@link ChartInstall} into constructors, lifecycle methods and tests. A test class that asks for a
 * {@link TestNode} gets a real node for its own duration: started on first use, stopped when the
 * class ends, so that classes without one keep a cluster with no scheduler and no kubelet.
 *
 * There is no skipping: if the control plane cannot start, every test using it fails saying why.
 */
public final class RealApiServer implements BeforeAllCallback, ParameterResolver {
    private static final Path REPO = Path.of(System.getProperty("storageprobe.repo.dir", ".."))
            .toAbsolutePath()
            .normalize();

    /** What the root store holds and closes at the end of the run. */
    private record Installed(TestCluster cluster, ChartInstall chart) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Installed installed = installed(context);
        // A class that takes its TestNode in the constructor (PER_CLASS) has started it already: its Node stays.
        TestNode node = context.getStore(ExtensionContext.Namespace.create(RealApiServer.class))
                .get(TestNode.class, TestNode.class);
        emptyOf(installed.cluster().admin(), installed.chart().namespace(), node == null ? "" : TestNode.NAME);
    }

    private static Installed installed(ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.create(RealApiServer.class))
                .computeIfAbsent(
                        Installed.class,
                        type -> {
                            TestCluster cluster = TestCluster.start(REPO.resolve("test-cluster"));
                            try {
                                return new Installed(
                                        cluster, ChartInstall.install(cluster, REPO.resolve("charts/storageprobe")));
                            } catch (RuntimeException e) {
                                cluster.close();
                                throw e;
                            }
                        },
                        Installed.class);
    }

    /**
     * Removes what an earlier test class left. Finalizers are dropped first: the operator that
     * would have run them is gone.
     */
    private static void emptyOf(KubernetesClient admin, String namespace, String keptNode) {
        for (StorageProbe probe : admin.resources(StorageProbe.class).list().getItems()) {
            admin.resources(StorageProbe.class)
                    .withName(probe.getMetadata().getName())
                    .edit(p -> {
                        p.getMetadata().setFinalizers(null);
                        return p;
                    });
        }
        admin.resources(StorageProbe.class).delete();
        admin.resources(StorageProbeResult.class).delete();
        admin.apps().daemonSets().inNamespace(namespace).delete();
        // kubelet registers its Node once: deleting it would leave a running node without one.
        admin.nodes().list().getItems().stream()
                .filter(n -> !n.getMetadata().getName().equals(keptNode))
                .forEach(n -> admin.nodes().resource(n).delete());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestCluster.class || type == ChartInstall.class || type == TestNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Installed installed = installed(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestNode.class) {
            return classContext(context)
                    .getStore(ExtensionContext.Namespace.create(RealApiServer.class))
                    .computeIfAbsent(TestNode.class, t -> installed.cluster().startNode(), TestNode.class);
        }
        return type == TestCluster.class ? installed.cluster() : installed.chart();
    }

    /** The test class's context: what it stores is closed when the class ends. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }
}
