package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * A mock API server (CRUD mode) for an agent process to talk to (bench/agent-memory): the CRDs
 * and one StorageProbe probing the given devices. Prints "URL http://..." and then, every minute,
 * the agent's requests so far; runs until killed.
 *
 * Arguments: crd dir, probe name, interval, device names...
 */
public final class MockApiServerMain {
    private MockApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        CountingDispatcher dispatcher = new CountingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        String url = "http://127.0.0.1:" + server.getPort();
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(url).withUserAgent(CountingDispatcher.BENCH_USER_AGENT).build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        for (String file : List.of("storageprobes.storageprobe.io.yaml", "storageproberesults.storageprobe.io.yaml")) {
            try (InputStream in = Files.newInputStream(Path.of(args[0]).resolve(file))) {
                client.apiextensions().v1().customResourceDefinitions()
                        .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
            }
        }
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(args[1]);
        List<String> devices = List.of(args).subList(3, args.length);
        probe.setSpec(new StorageProbeSpec(null, null, new Targets(new DeviceTargets(devices, List.of()), null, null),
                null, args[2], null, null));
        client.resource(probe).create();
        System.out.println("URL " + url);
        while (true) {
            Thread.sleep(60_000);
            System.out.println("requests so far: " + dispatcher.snapshot());
        }
    }
}
