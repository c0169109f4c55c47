package io.storageprobe.agent.kube;

/**
 * An API call that failed: with the server's answer (its HTTP code and the message of its Status
 * object), or without any answer (code 0: refused connection, timeout, TLS failure).
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String serverMessage;

    /** The server answered {@code code}; {@code serverMessage} is its Status message, or null. */
    public ApiException(String operation, int code, String serverMessage) {
        super(operation + ": HTTP " + code + (serverMessage == null ? "" : ": " + serverMessage));
        this.code = code;
        this.serverMessage = serverMessage;
    }

    /** No answer from the server at all. */
    public ApiException(String operation, Throwable cause) {
        super(operation + ": no answer from the API server", cause);
        this.code = 0;
        this.serverMessage = null;
    }

    /** The HTTP status code, or 0 when the server did not answer. */
    public int code() {
        return code;
    }

    /** The message of the server's Status object, or null. */
    public String serverMessage() {
        return serverMessage;
    }
}
