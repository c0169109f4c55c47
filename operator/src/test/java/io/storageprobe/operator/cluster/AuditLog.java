package io.storageprobe.operator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * kube-apiserver's audit log (start.sh logs every request at level Metadata): who asked what and
 * what the server answered. Tests judge RBAC and request patterns by it, so what is counted is what
 * the real server saw, not what a client believes it sent.
 */
public record AuditLog(List<Entry> entries) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request, at the first stage that carries its response code. */
    public record Entry(
            String user,
            String verb,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            int code,
            String uri) {
        public String resourcePath() {
            return subresource.isEmpty() ? resource : resource + "/" + subresource;
        }

        @Override
        public String toString() {
            return code + " " + verb + " " + uri + " (" + user + ")";
        }
    }

    public static AuditLog read(Path file) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                JsonNode event = JSON.readTree(line);
                JsonNode status = event.path("responseStatus");
                // A watch is logged when it starts and when it ends: count the request once.
                if (status.isMissingNode() || !seen.add(event.path("auditID").asText())) {
                    continue;
                }
                JsonNode ref = event.path("objectRef");
                entries.add(new Entry(
                        event.path("user").path("username").asText(),
                        event.path("verb").asText(),
                        ref.path("apiGroup").asText(),
                        ref.path("resource").asText(),
                        ref.path("subresource").asText(),
                        ref.path("namespace").asText(),
                        ref.path("name").asText(),
                        status.path("code").asInt(),
                        event.path("requestURI").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AuditLog(entries);
    }

    public AuditLog by(String user) {
        return filter(e -> e.user().equals(user));
    }

    public AuditLog filter(Predicate<Entry> predicate) {
        return new AuditLog(entries.stream().filter(predicate).toList());
    }

    /** Requests the server answered with this code (403: refused by RBAC). */
    public AuditLog withCode(int code) {
        return filter(e -> e.code() == code);
    }

    /** Only what came after this many entries (see {@link #size()}): the requests of one step of a test. */
    public AuditLog since(int mark) {
        return new AuditLog(entries.subList(Math.min(mark, entries.size()), entries.size()));
    }

    public int size() {
        return entries.size();
    }
}
