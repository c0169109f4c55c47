package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.reconciler.AgentDaemonSet;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.settings.TestingOperatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code main(settings..., probe.json)}: prints the desired-hash annotation this JVM computes
 * for a StorageProbe. Run in fresh JVMs, it stands for restarted operator processes, each with
 * its own randomised {@code Map.of} iteration order.
 */
public final class DesiredHashPrinter {
    private DesiredHashPrinter() {}

    public static void main(String[] args) throws Exception {
        OperatorSettings settings = TestingOperatorSettings.of(
                args[0], args[1], args[2], "default", 0, OperatorSettings.DEFAULT_KUBEVIRT_POLL, true);
        StorageProbe probe = Serialization.unmarshal(Files.readString(Path.of(args[3])), StorageProbe.class);
        System.out.println(AgentDaemonSet.desired(probe, settings)
                .getMetadata()
                .getAnnotations()
                .get(AgentDaemonSet.SPEC_HASH_ANNOTATION));
    }
}
