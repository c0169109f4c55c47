package io.storageprobe.agent.kube;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the API server the way the agent is run, first match wins:
 * <ol>
 * <li>KUBERNETES_MASTER (tests and benches run the jar so): its URL, with KUBERNETES_AUTH_TOKEN,
 *     KUBERNETES_CERTS_CA_FILE and KUBERNETES_TRUST_CERTIFICATES=true (any server certificate);</li>
 * <li>a kubeconfig: $KUBECONFIG, else ~/.kube/config if it exists (unless
 *     KUBERNETES_AUTH_TRYKUBECONFIG=false), see {@link Kubeconfig};</li>
 * <li>in its Pod (unless KUBERNETES_AUTH_TRYSERVICEACCOUNT=false): KUBERNETES_SERVICE_HOST and
 *     _PORT, the ServiceAccount's CA and its projected token, read again as it rotates.</li>
 * </ol>
 * The variables' names are the fabric8 client's, which the agent used before, so the same
 * environments keep working.
 */
public final class ClusterConfig {
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private ClusterConfig() {}

    /** Throws IllegalArgumentException with a message for the user when nothing usable is configured. */
    public static ApiEndpoint resolve(Map<String, String> env) {
        return resolve(env, SERVICE_ACCOUNT);
    }

    /** As {@link #resolve(Map)}, with the ServiceAccount directory elsewhere (tests). */
    public static ApiEndpoint resolve(Map<String, String> env, Path serviceAccount) {
        String master = env.get("KUBERNETES_MASTER");
        if (master != null && !master.isBlank()) {
            return fromVariables(master, env);
        }
        if (!"false".equalsIgnoreCase(env.get("KUBERNETES_AUTH_TRYKUBECONFIG"))) {
            Path kubeconfig = kubeconfig(env);
            if (kubeconfig != null) {
                return Kubeconfig.read(kubeconfig);
            }
        }
        String host = env.get("KUBERNETES_SERVICE_HOST");
        if (!"false".equalsIgnoreCase(env.get("KUBERNETES_AUTH_TRYSERVICEACCOUNT"))
                && host != null
                && !host.isBlank()) {
            String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
            String hostPart = host.contains(":") ? "[" + host + "]" : host; // IPv6 service address
            return new ApiEndpoint(
                    URI.create("https://" + hostPart + ":" + port),
                    TlsContext.of(read(serviceAccount.resolve("ca.crt")), null, null),
                    BearerToken.fromFile(serviceAccount.resolve("token")));
        }
        throw new IllegalArgumentException(
                "no Kubernetes API server configured: not in a Pod (no KUBERNETES_SERVICE_HOST), "
                        + "no kubeconfig ($KUBECONFIG or ~/.kube/config) and no KUBERNETES_MASTER");
    }

    private static ApiEndpoint fromVariables(String master, Map<String, String> env) {
        URI uri = URI.create(master.contains("://") ? master : "https://" + master);
        String token = env.get("KUBERNETES_AUTH_TOKEN");
        BearerToken bearer = token == null || token.isBlank() ? BearerToken.NONE : BearerToken.of(token.strip());
        if ("http".equals(uri.getScheme())) {
            return new ApiEndpoint(uri, null, bearer);
        }
        if ("true".equalsIgnoreCase(env.get("KUBERNETES_TRUST_CERTIFICATES"))) {
            return new ApiEndpoint(uri, TlsContext.trustingAnyServer(null, null), bearer);
        }
        String caFile = env.get("KUBERNETES_CERTS_CA_FILE");
        byte[] ca = caFile == null || caFile.isBlank() ? null : read(Path.of(caFile));
        return new ApiEndpoint(uri, TlsContext.of(ca, null, null), bearer);
    }

    /** $KUBECONFIG (one file), else ~/.kube/config when it exists, else null. */
    private static Path kubeconfig(Map<String, String> env) {
        String named = env.get("KUBECONFIG");
        if (named != null && !named.isBlank()) {
            if (named.contains(java.io.File.pathSeparator)) {
                throw new IllegalArgumentException(
                        "KUBECONFIG names several files (" + named + "); the agent reads one");
            }
            Path file = Path.of(named);
            // fabric8 skipped a KUBECONFIG that does not exist (benches point it at nothing): so does the agent.
            return Files.isRegularFile(file) ? file : null;
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path file = home == null ? null : Path.of(home, ".kube", "config");
        return file != null && Files.isRegularFile(file) ? file : null;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
