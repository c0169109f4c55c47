package io.storageprobe.operator;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.Optional;

/**
 * One cheap request before the operator starts, so that the usual reasons it cannot run (no API
 * server, no CRDs, bad credentials) come out as one line saying which, instead of the stack
 * traces of a dozen informers failing at once.
 */
final class ApiPreflight {
    private ApiPreflight() {}

    static Optional<String> problem(KubernetesClient client) {
        try {
            client.resources(StorageProbe.class)
                    .list(new ListOptionsBuilder().withLimit(1L).build());
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(
                    switch (e.getCode()) {
                        case 404 ->
                            "the StorageProbe CRD is not installed at " + client.getMasterUrl()
                                    + " (kubectl apply -f crds/, or install the Helm chart)";
                        case 401 ->
                            "the API server at " + client.getMasterUrl() + " did not accept the operator's credentials";
                        case 403 ->
                            "the operator's ServiceAccount may not list storageprobes (its ClusterRole is missing or wrong)";
                        default -> "cannot reach the Kubernetes API at " + client.getMasterUrl() + ": " + rootCause(e);
                    });
        }
    }

    /** The first network-level cause (refused, unknown host, TLS), else the client's own message. */
    private static String rootCause(Throwable e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof java.net.ConnectException
                    || c instanceof java.net.UnknownHostException
                    || c instanceof javax.net.ssl.SSLException
                    || c instanceof java.net.http.HttpTimeoutException) {
                return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
            }
        }
        return e.getMessage();
    }
}
