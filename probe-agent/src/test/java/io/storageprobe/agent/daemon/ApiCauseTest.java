package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.kube.ApiException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ApiCauseTest {
    @Test
    void saysTheNetworkErrorBeneathTheWrapper() {
        var e = new ApiException(
                "GET /apis/storageprobe.io/v1alpha1/storageprobes/default",
                new IOException(new ConnectException("Connection refused")));
        assertThat(ApiCause.of(e)).isEqualTo("IOException: java.net.ConnectException: Connection refused");
    }

    @Test
    void saysTheServersAnswer() {
        var e = new ApiException(
                "GET /apis/storageprobe.io/v1alpha1/storageprobes/default",
                403,
                "storageprobes.storageprobe.io \"default\" is forbidden: User \"system:serviceaccount:sp:agent\" cannot get resource");
        assertThat(ApiCause.of(e)).startsWith("HTTP 403: storageprobes.storageprobe.io \"default\" is forbidden");
    }
}
