package io.storageprobe.agent.metrics;

import io.storageprobe.agent.kube.ApiException;

/**
 * Why a result write failed, in the few kinds an operator of the cluster acts on differently:
 * the metric label and the reason the log gives.
 */
public enum WriteFailure {
    FORBIDDEN(
            "forbidden",
            "the API server refuses it (403): the agent's ServiceAccount lacks RBAC for storageproberesults"),
    INVALID("invalid", "the API server rejects the result (422): it does not fit the StorageProbeResult CRD"),
    CONFLICT("conflict", "the result changed on the server meanwhile (409)"),
    UNREACHABLE("unreachable", "the API server cannot be reached"),
    SERVER_ERROR("server_error", "the API server failed (5xx)"),
    OTHER("other", "unexpected answer");

    private final String label;
    private final String why;

    WriteFailure(String label, String why) {
        this.label = label;
        this.why = why;
    }

    public static WriteFailure of(RuntimeException e) {
        if (!(e instanceof ApiException k)) {
            return OTHER;
        }
        int code = k.code();
        if (code == 403) {
            return FORBIDDEN;
        }
        if (code == 422 || code == 400) {
            return INVALID;
        }
        if (code == 409) {
            return CONFLICT;
        }
        if (code <= 0) {
            return UNREACHABLE; // no HTTP answer at all: connection refused, timeout, TLS failure
        }
        return code >= 500 ? SERVER_ERROR : OTHER;
    }

    public String label() {
        return label;
    }

    public String why() {
        return why;
    }
}
