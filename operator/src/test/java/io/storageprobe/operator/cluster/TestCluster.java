package io.storageprobe.operator.cluster;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real control plane (etcd, kube-apiserver 1.20, kube-controller-manager, apiextensions-apiserver
 * 1.36) started with the repository's test-cluster/start.sh in a temporary directory, and stopped
 * with stop.sh when closed, when the JVM exits, and when starting fails half-way. Nothing is
 * downloaded or built here: a missing build is an error naming test-cluster/build.sh.
 */
public final class TestCluster implements AutoCloseable {
    private final Path scripts;
    private final Path dir;
    private final Map<String, String> env;
    private final KubernetesClient admin;
    private final Thread shutdownHook;
    private boolean closed;

    private TestCluster(Path scripts, Path dir, Map<String, String> env, Thread shutdownHook) {
        this.scripts = scripts;
        this.dir = dir;
        this.env = env;
        this.shutdownHook = shutdownHook;
        this.admin = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(dir.resolve("admin.kubeconfig"))))
                .build();
    }

    /** @param scripts the repository's test-cluster directory */
    public static TestCluster start(Path scripts) {
        Path dir;
        try {
            dir = Files.createTempDirectory("storageprobe-test-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Registered before anything runs, so that a JVM killed mid-start still stops what started.
        Thread hook = new Thread(() -> stop(scripts, dir), "test-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Command.of(scripts.resolve("start.sh").toString(), dir.toString())
                    .run(scripts, 3, TimeUnit.MINUTES)
                    .orThrow();
            return new TestCluster(scripts, dir, readEnv(dir.resolve("env")), hook);
        } catch (RuntimeException e) {
            stop(scripts, dir);
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new IllegalStateException(
                    "the test control plane did not start (build it with test-cluster/build.sh): " + e.getMessage(), e);
        }
    }

    /**
     * Starts a real node (kube-scheduler, containerd, kubelet, kube-proxy) on this control plane;
     * close it to stop it. stop.sh stops it too, so a cut-short run leaves nothing behind.
     */
    public TestNode startNode() {
        return TestNode.start(scripts, dir);
    }

    /** A client authenticated as cluster admin (system:masters): for the test's own setup and checks. */
    public KubernetesClient admin() {
        return admin;
    }

    /** A client that authenticates with the bearer token only, as a pod's ServiceAccount would. */
    public KubernetesClient clientWithToken(String token) {
        return new KubernetesClientBuilder().withConfig(tokenConfig(token)).build();
    }

    public Config tokenConfig(String token) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withCaCertFile(caCert().toString())
                .withOauthToken(token)
                .build();
    }

    /** A ServiceAccount token from the TokenRequest API (what the kubelet mounts into a pod). */
    public String token(String namespace, String serviceAccount) {
        TokenRequest request = new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(3600L)
                .endSpec()
                .build();
        return admin.serviceAccounts()
                .inNamespace(namespace)
                .withName(serviceAccount)
                .tokenRequest(request)
                .getStatus()
                .getToken();
    }

    /**
     * A ServiceAccount bound to a ClusterRole of its own name that allows {@code verbs} on
     * storageprobe.io's {@code resources}: an agent account as a changed chart would make it.
     */
    public String storageProbeAccount(String namespace, String account, List<String> resources, String... verbs) {
        admin.serviceAccounts()
                .inNamespace(namespace)
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName(account)
                        .endMetadata()
                        .build())
                .createOr(NonDeletingOperation::update);
        admin.rbac()
                .clusterRoles()
                .resource(new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName(account)
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("storageprobe.io")
                        .withResources(resources)
                        .withVerbs(verbs)
                        .endRule()
                        .build())
                .createOr(NonDeletingOperation::update);
        admin.rbac()
                .clusterRoleBindings()
                .resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName(account)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", account)
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName(account)
                        .withNamespace(namespace)
                        .endSubject()
                        .build())
                .createOr(NonDeletingOperation::update);
        return account;
    }

    /** Creates the CRDs of a (multi-document) YAML file in the CRD server, served through the aggregator. */
    public void installCrds(Path yaml) {
        Command.of(scripts.resolve("crds.sh").toString(), dir.toString(), yaml.toString())
                .run(scripts, 3, TimeUnit.MINUTES)
                .orThrow();
    }

    /** kubectl 1.20 of the control plane's build, as admin. */
    public Command.Result kubectl(String... args) {
        List<String> command = new ArrayList<>(
                List.of(bin("kubectl").toString(), "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        return new Command(command, Map.of()).run(dir, 1, TimeUnit.MINUTES);
    }

    /** Every request the API server answered, from its audit log. */
    public AuditLog auditLog() {
        return AuditLog.read(dir.resolve("audit.log"));
    }

    public String url() {
        return env.get("KUBE_APISERVER_URL");
    }

    public Path caCert() {
        return dir.resolve("pki/ca.crt");
    }

    public Path kubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    public Path dir() {
        return dir;
    }

    private Path bin(String name) {
        return Path.of(env.get("TEST_CLUSTER_BIN"), name);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close();
        stop(scripts, dir);
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }

    private static void stop(Path scripts, Path dir) {
        try {
            Command.Result r = Command.of(scripts.resolve("stop.sh").toString(), dir.toString())
                    .run(scripts, 2, TimeUnit.MINUTES);
            if (r.exitCode() != 0) {
                System.err.println("test-cluster/stop.sh failed:\n" + r.stderr());
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private static Map<String, String> readEnv(Path file) {
        Map<String, String> env = new HashMap<>();
        for (String line : read(file).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
