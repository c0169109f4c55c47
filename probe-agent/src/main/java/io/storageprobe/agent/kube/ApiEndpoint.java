package io.storageprobe.agent.kube;

import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * Where the API server is and how to talk to it.
 *
 * @param server the API server's base URL (https, or http for test servers)
 * @param tls    trusts the cluster's CA and presents the client certificate, if any; null for http
 * @param token  the bearer token, or {@link BearerToken#NONE} (client certificates authenticate in TLS)
 */
public record ApiEndpoint(URI server, SSLContext tls, BearerToken token) {}
