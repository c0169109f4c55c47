package io.storageprobe.operator.settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings for tests: no pull secrets or pod annotations, the image's default architectures. */
public final class TestingOperatorSettings {
    private TestingOperatorSettings() {}

    public static OperatorSettings of(
            String namespace,
            String agentImage,
            String agentServiceAccount,
            String eventNamespace,
            int httpPort,
            Duration kubevirtPollPeriod,
            boolean checkWriters) {
        return new OperatorSettings(
                namespace,
                agentImage,
                agentServiceAccount,
                eventNamespace,
                httpPort,
                kubevirtPollPeriod,
                List.of(),
                OperatorSettings.DEFAULT_AGENT_ARCHITECTURES,
                Map.of(),
                checkWriters);
    }
}
