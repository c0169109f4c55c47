package io.storageprobe.agent.daemon;

import io.storageprobe.agent.kube.ApiException;

/**
 * What really went wrong with an API call, for the log: the server's answer or, without one, the
 * network error underneath (the JDK's exceptions wrap it, and some say nothing themselves).
 */
final class ApiCause {
    private ApiCause() {}

    static String of(RuntimeException e) {
        if (e instanceof ApiException k && k.code() > 0) {
            return "HTTP " + k.code() + ": " + (k.serverMessage() != null ? k.serverMessage() : k.getMessage());
        }
        // No HTTP answer: the first cause beneath the wrapper that says something.
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                return c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return e.getMessage();
    }
}
