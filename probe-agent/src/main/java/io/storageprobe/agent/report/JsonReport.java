package io.storageprobe.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.storageprobe.api.result.NodeResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A node result as a StorageProbeResult document, the same shape the agent writes to the cluster. */
public final class JsonReport {
    public static final String API_VERSION = "storageprobe.io/v1alpha1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static String render(NodeResult result) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("storageprobe.io/probe", result.probe());
        labels.put("storageprobe.io/node", result.node());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", (result.probe() + "." + result.node()).toLowerCase(Locale.ROOT));
        metadata.put("labels", labels);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", API_VERSION);
        doc.put("kind", "StorageProbeResult");
        doc.put("metadata", metadata);
        doc.put("spec", result);
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the result as JSON", e);
        }
    }
}
