package io.storageprobe.agent.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The few calls the agent makes to the API server (GET an object, create one, JSON-patch one),
 * on the JDK's HTTP client and Jackson: the fabric8 client's handler table, model classes and
 * modules cost the agent most of its memory (docs/performance.md, "Footprint"). Failures are
 * {@link ApiException}s; a connection that fails is tried twice more, as the fabric8 client did,
 * and the agent's own backoff handles the rest.
 */
public final class KubeApi implements AutoCloseable {
    /** As fabric8's defaults: the agent's calls are small, a slower server counts as unreachable. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int RETRIES = 2;
    private static final Duration RETRY_WAIT = Duration.ofMillis(100);

    private final URI server;
    private final BearerToken token;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public KubeApi(ApiEndpoint endpoint) {
        String base = endpoint.server().toString();
        this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = endpoint.token();
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1);
        if (endpoint.tls() != null) {
            builder.sslContext(endpoint.tls());
        }
        this.http = builder.build();
    }

    /** The path of a cluster-scoped custom resource, or of its collection when name is null. */
    public static String path(String group, String version, String plural, String name) {
        return "/apis/" + group + "/" + version + "/" + plural + (name == null ? "" : "/" + name);
    }

    /** @return the object, or null when it does not exist (404) */
    public <T> T get(String path, Class<T> type) {
        HttpResponse<String> response = send("GET", path, null, null);
        if (response.statusCode() == 404) {
            return null;
        }
        try {
            return json.readValue(check("get " + path, response).body(), type);
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    "get " + path, response.statusCode(), "unreadable answer: " + e.getOriginalMessage());
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

    private HttpResponse<String> send(String method, String path, String contentType, String body) {
        String operation = method + " " + path;
        for (int attempt = 0; ; attempt++) {
            String bearer = token.current();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 401 && bearer != null) {
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(operation, e);
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

    private HttpResponse<String> check(String operation, HttpResponse<String> response) {
        int code = response.statusCode();
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
        // The JDK client's threads end with the JVM or when it is unreachable; Java 21 adds close().
        if (http instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing is best effort
            }
        }
    }
}
