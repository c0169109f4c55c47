package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The fabric8 mock API server in CRUD mode (no real kube-apiserver can run here), counting every
 * request that is not the benchmark's own, with the project's CRDs loaded.
 *
 * @param client a client whose requests are not counted (the benchmark's user agent)
 */
record BenchApiServer(KubernetesMockServer server, CountingDispatcher dispatcher, String url, KubernetesClient client) {

    static BenchApiServer start(Path crds) throws IOException {
        CountingDispatcher dispatcher = new CountingDispatcher();
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        String url = "http://127.0.0.1:" + server.getPort();
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl(url)
                        .withUserAgent(CountingDispatcher.BENCH_USER_AGENT)
                        .build())
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        for (String file : List.of("storageprobes.storageprobe.io.yaml", "storageproberesults.storageprobe.io.yaml")) {
            try (InputStream in = Files.newInputStream(crds.resolve(file))) {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
                        .create();
            }
        }
        return new BenchApiServer(server, dispatcher, url, client);
    }

    void destroy() {
        client.close();
        server.destroy();
    }
}
