package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The fabric8 mock API server in CRUD mode, standing in for a kube-apiserver because none can
 * run on this machine (no binary in any reachable package, no container registry). It stores and
 * watches objects faithfully but validates nothing, runs no admission, no garbage collector and
 * no controllers; the tests make up for each where it matters and say so.
 *
 * It can be stopped and started again on the same port with the same store, which is how the
 * tests take the API server away from a running agent.
 */
final class MockApiServer implements AutoCloseable {
    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of());
    private final int port;
    private KubernetesMockServer server;

    MockApiServer() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start();
    }

    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
    }

    void stop() {
        server.destroy();
    }

    /**
     * A client with short timeouts and few retries, so that a stopped server shows up as a failed
     * call within seconds rather than minutes.
     */
    KubernetesClient newClient() {
        Config base = server.createClient().getConfiguration();
        Config config = new ConfigBuilder(base)
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(200)
                .withRequestTimeout(3_000)
                .withConnectionTimeout(2_000)
                .build();
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    /** Creates the generated CRDs, so the mock knows the kinds, their scope and status subresource. */
    void installCrds(KubernetesClient client, Path crdDir) throws IOException {
        for (String file : List.of("storageprobes.storageprobe.io.yaml", "storageproberesults.storageprobe.io.yaml")) {
            try (InputStream in = Files.newInputStream(crdDir.resolve(file))) {
                CustomResourceDefinition crd =
                        client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            }
        }
    }

    @Override
    public void close() {
        server.destroy();
    }
}
