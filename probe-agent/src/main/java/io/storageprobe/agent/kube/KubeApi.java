package io.storageprobe.agent.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The few calls the agent makes to the API server (GET an object, create one, JSON-patch one),
 * over {@link ApiConnection} and Jackson: the fabric8 client's handler table, model classes and
 * modules cost the agent most of its memory, the JDK's HTTP client another 4 MiB
 * (docs/performance.md, "Footprint" and "Trimming the agent"). Failures are
 * {@link ApiException}s; a connection that fails is tried twice more, as the fabric8 client did,
 * and the agent's own backoff handles the rest.
 */
public final class KubeApi implements AutoCloseable {
    /** As fabric8's defaults: the agent's calls are small, a slower server counts as unreachable. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The longest the server may keep the agent waiting for the next part of an answer. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final int RETRIES = 2;
    private static final Duration RETRY_WAIT = Duration.ofMillis(100);
    /** In the API server's audit log and metrics (the JDK client sent "Java-http-client/VERSION"). */
    private static final String USER_AGENT = "storageprobe-agent";

    private final BearerToken token;
    private final ApiConnection connection;
    private final ObjectMapper json = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public KubeApi(ApiEndpoint endpoint) {
        this.token = endpoint.token();
        this.connection = new ApiConnection(endpoint.server(), endpoint.tls(), CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /** The path of a cluster-scoped custom resource, or of its collection when name is null. */
    public static String path(String group, String version, String plural, String name) {
        return "/apis/" + group + "/" + version + "/" + plural + (name == null ? "" : "/" + name);
    }

    /** @return the object, or null when it does not exist (404) */
    public <T> T get(String path, Class<T> type) {
        ApiConnection.Response response = send("GET", path, null, null);
        if (response.status() == 404) {
            return null;
        }
        try {
            return json.readValue(check("get " + path, response).body(), type);
        } catch (JsonProcessingException e) {
            throw new ApiException("get " + path, response.status(), "unreadable answer: " + e.getOriginalMessage());
        }
    }

    /** POSTs {@code object} to the collection at {@code path}. */
    public void create(String path, Object object) {
        check("create in " + path, send("POST", path, "application/json", toJson(object)));
    }

    /** Applies a JSON patch (RFC 6902) to the object at {@code path}. */
    public void jsonPatch(String path, String patch) {
        check("patch " + path, send("PATCH", path, "application/json-patch+json", patch));
    }

    /** The mapper the API objects are (de)serialized with, for building patches. */
    public ObjectMapper json() {
        return json;
    }

    private String toJson(Object object) {
        try {
            return json.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialize " + object.getClass().getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    private ApiConnection.Response send(String method, String path, String contentType, String body) {
        String operation = method + " " + path;
        for (int attempt = 0; ; attempt++) {
            String bearer = token.current();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept", "application/json");
            headers.put("User-Agent", USER_AGENT);
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            if (bearer != null) {
                headers.put("Authorization", "Bearer " + bearer);
            }
            try {
                ApiConnection.Response response = connection.send(method, path, headers, body);
                if (response.status() == 401 && bearer != null) {
                    token.refused();
                    // A rotated token the cache had not seen yet: try it at once, once.
                    if (attempt == 0 && !Objects.equals(bearer, token.current())) {
                        continue;
                    }
                }
                return response;
            } catch (IOException e) {
                if (attempt >= RETRIES) {
                    throw new ApiException(operation, e);
                }
                pause(RETRY_WAIT.multipliedBy(1L << attempt), operation, e);
            }
        }
    }

    private static void pause(Duration wait, String operation, IOException cause) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(operation, cause);
        }
    }

    private ApiConnection.Response check(String operation, ApiConnection.Response response) {
        int code = response.status();
        if (code >= 200 && code < 300) {
            return response;
        }
        throw new ApiException(operation, code, statusMessage(response.body()));
    }

    /** The message of the Status object the API server answers errors with, if it is one. */
    private String statusMessage(String body) {
        try {
            JsonNode status = json.readTree(body);
            return status != null && status.hasNonNull("message")
                    ? status.get("message").asText()
                    : null;
        } catch (JsonProcessingException e) {
            return body == null || body.isBlank() ? null : body.strip();
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
