package io.storageprobe.agent.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The current context of a kubeconfig file, in the forms kubeadm and this project's test clusters
 * write: a server with certificate-authority(-data), and a user with a token or a client
 * certificate and key (-data or files, relative to the kubeconfig's directory, as kubectl reads
 * them). Other ways to log in (exec plugins, auth providers, passwords, token files) are refused
 * by name: the agent runs in its Pod on its ServiceAccount and needs no more.
 */
final class Kubeconfig {
    private static final List<String> REFUSED_USER_FIELDS =
            List.of("exec", "auth-provider", "username", "password", "tokenFile", "as", "as-groups", "as-uid");

    private Kubeconfig() {}

    static ApiEndpoint read(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("kubeconfig " + file + ": cannot read it: " + e.getMessage());
        }
        String where = "kubeconfig " + file;
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": not a kubeconfig");
        }
        String contextName = root.path("current-context").asText("");
        if (contextName.isEmpty()) {
            throw new IllegalArgumentException(where + ": no current-context");
        }
        JsonNode context = named(root, "contexts", contextName, "context", where);
        JsonNode cluster = named(root, "clusters", context.path("cluster").asText(""), "cluster", where);
        JsonNode user = named(root, "users", context.path("user").asText(""), "user", where);
        Path dir = file.toAbsolutePath().getParent();

        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new IllegalArgumentException(where + ": the cluster has no server");
        }
        for (String field : List.of("insecure-skip-tls-verify", "proxy-url", "tls-server-name")) {
            if (cluster.has(field)) {
                throw new IllegalArgumentException(
                        where + ": the cluster's " + field + " is not supported by the agent");
            }
        }
        for (String field : REFUSED_USER_FIELDS) {
            if (user.has(field)) {
                throw new IllegalArgumentException(where + ": the user's " + field
                        + " is not supported by the agent (only token, or client-certificate and client-key)");
            }
        }
        URI uri = URI.create(server);
        byte[] ca = bytes(cluster, "certificate-authority", dir, where);
        byte[] cert = bytes(user, "client-certificate", dir, where);
        byte[] key = bytes(user, "client-key", dir, where);
        String token = user.path("token").asText("");
        if (token.isEmpty() && cert == null) {
            throw new IllegalArgumentException(where + ": the user has neither a token nor a client certificate");
        }
        SSLContext tls = "http".equals(uri.getScheme()) ? null : TlsContext.of(ca, cert, key);
        return new ApiEndpoint(uri, tls, token.isEmpty() ? BearerToken.NONE : BearerToken.of(token));
    }

    /** {@code section[name == wanted].field} of the kubeconfig. */
    private static JsonNode named(JsonNode root, String section, String wanted, String field, String where) {
        for (JsonNode entry : root.path(section)) {
            if (wanted.equals(entry.path("name").asText(null))) {
                JsonNode value = entry.path(field);
                if (!value.isObject()) {
                    break;
                }
                return value;
            }
        }
        throw new IllegalArgumentException(where + ": no " + field + " named \"" + wanted + "\" in " + section);
    }

    /** FIELD-data (base64) or FIELD (a file), or null when neither is there. */
    private static byte[] bytes(JsonNode node, String field, Path dir, String where) {
        String data = node.path(field + "-data").asText("");
        if (!data.isEmpty()) {
            try {
                return Base64.getDecoder().decode(data.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + field + "-data is not base64");
            }
        }
        String name = node.path(field).asText("");
        if (name.isEmpty()) {
            return null;
        }
        Path path = dir.resolve(name);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read " + field + " " + path + ": " + e.getMessage());
        }
    }
}
