package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mock API server's CRUD dispatcher, counting every request it answers as "VERB resource"
 * (LIST and WATCH told apart from GET). Requests from the benchmark's own client (user agent
 * {@link #BENCH_USER_AGENT}: loading the fleet, polling the status) are not counted, so the
 * counts are what the operator or agent under test sent.
 */
final class CountingDispatcher extends KubernetesCrudDispatcher {
    static final String BENCH_USER_AGENT = "storageprobe-bench";
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    /** Bodies of the status patches, to show what each changed. */
    final List<String> statusPatches = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingDispatcher() {
        super(List.of());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String agent = request.getHeader("User-Agent");
        if (agent == null || !agent.startsWith(BENCH_USER_AGENT)) {
            String key = classify(request.getMethod(), request.getPath());
            firstSeen.putIfAbsent(key, System.nanoTime());
            counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            if (key.equals("PATCH storageprobes/status")) {
                // Reading consumes the buffer: put the bytes back for the real dispatcher.
                String body = request.getBody().readUtf8();
                request.getBody().writeUtf8(body);
                statusPatches.add(body);
            }
        }
        return super.dispatch(request);
    }

    /** A copy of the counts so far, sorted. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** System.nanoTime() of the first request of this kind since the last reset, or null. */
    Long firstSeen(String key) {
        return firstSeen.get(key);
    }

    void resetCounts() {
        counts.clear();
        firstSeen.clear();
        statusPatches.clear();
    }

    /** "GET nodes", "LIST storageproberesults", "PATCH storageprobes/status", "WATCH daemonsets", ... */
    static String classify(String method, String pathAndQuery) {
        String path = pathAndQuery;
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String[] parts = path.replaceAll("^/+", "").split("/");
        // /api/v1/... or /apis/<group>/<version>/...
        int i = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
        if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
            i += 2;
        }
        String resource = i < parts.length ? parts[i] : path;
        boolean named = i + 1 < parts.length;
        String sub = i + 2 < parts.length ? "/" + parts[i + 2] : "";
        String verb = method;
        if (method.equals("GET")) {
            verb = query.contains("watch=true") || query.contains("watch=1") ? "WATCH" : named ? "GET" : "LIST";
        }
        return verb + " " + resource + sub;
    }
}
