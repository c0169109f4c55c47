package io.storageprobe.agent.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The agent's API client for the server and credentials a test's fabric8 client uses (the mock
 * API server's, or a real cluster's with a ServiceAccount token), so that the daemon under test
 * talks to the same server as the test's own checks.
 */
public final class Fabric8Endpoint {
    private Fabric8Endpoint() {}

    public static KubeApi apiOf(KubernetesClient client) {
        return new KubeApi(of(client.getConfiguration()));
    }

    static ApiEndpoint of(Config config) {
        URI server = URI.create(config.getMasterUrl());
        BearerToken token = config.getOauthToken() == null ? BearerToken.NONE : BearerToken.of(config.getOauthToken());
        if ("http".equals(server.getScheme())) {
            return new ApiEndpoint(server, null, token);
        }
        byte[] cert = bytes(config.getClientCertData(), config.getClientCertFile());
        byte[] key = bytes(config.getClientKeyData(), config.getClientKeyFile());
        if (config.isTrustCerts()) {
            return new ApiEndpoint(server, TlsContext.trustingAnyServer(cert, key), token);
        }
        return new ApiEndpoint(
                server, TlsContext.of(bytes(config.getCaCertData(), config.getCaCertFile()), cert, key), token);
    }

    private static byte[] bytes(String data, String file) {
        if (data != null) {
            return Base64.getDecoder().decode(data.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return file == null ? null : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
