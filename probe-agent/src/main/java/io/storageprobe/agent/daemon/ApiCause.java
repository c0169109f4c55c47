package io.storageprobe.agent.daemon;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What really went wrong with an API call, for the log. fabric8's own message only says which
 * operation failed ("Operation: [get] for kind: [StorageProbe] ... failed."); the cause is the
 * server's answer or, without one, the network error underneath.
 */
final class ApiCause {
    private ApiCause() {
    }

    static String of(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            String message = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
            return "HTTP " + k.getCode() + ": " + message;
        }
        // No HTTP answer: the first cause beneath fabric8's wrapper that says something.
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                return c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return e.getMessage();
    }
}
