package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ApiCauseTest {
    private static final String FABRIC8 = "Operation: [get]  for kind: [StorageProbe]  with name: [default]  in namespace: [null]  failed.";

    @Test
    void saysTheNetworkErrorBeneathFabric8sWrapper() {
        var e = new KubernetesClientException(FABRIC8, new IOException(new ConnectException("Connection refused")));
        assertThat(ApiCause.of(e)).isEqualTo("IOException: java.net.ConnectException: Connection refused");
    }

    @Test
    void saysTheServersAnswer() {
        var e = new KubernetesClientException(new StatusBuilder().withCode(403)
                .withMessage("storageprobes.storageprobe.io \"default\" is forbidden: User \"system:serviceaccount:sp:agent\" cannot get resource").build());
        assertThat(ApiCause.of(e)).startsWith("HTTP 403: storageprobes.storageprobe.io \"default\" is forbidden");
    }
}
