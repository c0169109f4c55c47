package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.nio.file.Path;
import java.util.List;

/**
 * A mock API server (CRUD mode) for an agent process to talk to (bench/agent-memory): the CRDs
 * and one StorageProbe probing the given devices. Prints "URL http://..." and then, every minute,
 * the agent's requests so far; runs until killed.
 *
 * Arguments: crd dir, probe name, interval, device names...
 */
public final class MockApiServerMain {
    private MockApiServerMain() {}

    public static void main(String[] args) throws Exception {
        BenchApiServer api = BenchApiServer.start(Path.of(args[0]));
        CountingDispatcher dispatcher = api.dispatcher();
        String url = api.url();
        KubernetesClient client = api.client();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(args[1]);
        List<String> devices = List.of(args).subList(3, args.length);
        probe.setSpec(new StorageProbeSpec(
                null,
                null,
                new Targets(new DeviceTargets(devices, List.of()), null, null, null, null),
                null,
                args[2],
                null,
                null,
                null));
        client.resource(probe).create();
        System.out.println("URL " + url);
        while (true) {
            Thread.sleep(60_000);
            System.out.println("requests so far: " + dispatcher.snapshot());
        }
    }
}
