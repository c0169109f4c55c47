package io.storageprobe.agent.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;

/**
 * A {@link Measurement} as one line of JSON: what a probe child prints and its parent reads; and a
 * {@link Target} as one line, what the parent sends the child.
 */
public final class MeasurementJson {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MeasurementJson() {}

    public static String write(Measurement m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the measurement as JSON", e);
        }
    }

    public static Measurement read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Measurement.class);
    }

    public static String write(Target t) {
        try {
            return MAPPER.writeValueAsString(t);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the target as JSON", e);
        }
    }

    public static Target readTarget(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Target.class);
    }
}
