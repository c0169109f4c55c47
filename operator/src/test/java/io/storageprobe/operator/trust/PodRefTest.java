package io.storageprobe.operator.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which Pod a reviewed token is bound to: the API server's user.extra, or else the token's own
 * (just verified) claims. A token bound to no Pod names none, whatever else it holds.
 */
class PodRefTest {
    private static final String BOUND = jwt(
            "{\"sub\":\"system:serviceaccount:ns:agent\",\"kubernetes.io\":{\"namespace\":\"ns\","
                    + "\"pod\":{\"name\":\"agent-x1\",\"uid\":\"uid-claim\"},\"serviceaccount\":{\"name\":\"agent\",\"uid\":\"sa\"}}}");
    private static final String UNBOUND =
            jwt("{\"sub\":\"system:serviceaccount:ns:agent\",\"kubernetes.io\":{\"namespace\":\"ns\","
                    + "\"serviceaccount\":{\"name\":\"agent\",\"uid\":\"sa\"}}}");

    @Test
    void theExtraNamesThePodWhenTheServerGivesIt() {
        assertThat(WriterCheck.PodRef.of(
                        Map.of(WriterCheck.POD_NAME, List.of("agent-x2"), WriterCheck.POD_UID, List.of("uid-extra")),
                        BOUND))
                .contains(new WriterCheck.PodRef("agent-x2", "uid-extra"));
    }

    @Test
    void otherwiseTheTokensPodClaimDoes() {
        assertThat(WriterCheck.PodRef.of(null, BOUND)).contains(new WriterCheck.PodRef("agent-x1", "uid-claim"));
        assertThat(WriterCheck.PodRef.of(Map.of(WriterCheck.POD_NAME, List.of("a", "b")), BOUND))
                .contains(new WriterCheck.PodRef("agent-x1", "uid-claim"));
    }

    @Test
    void aTokenBoundToNoPodOrNoJwtAtAllNamesNone() {
        assertThat(WriterCheck.PodRef.of(Map.of(), UNBOUND)).isEmpty();
        assertThat(WriterCheck.PodRef.of(Map.of(), "not-a-jwt")).isEmpty();
        assertThat(WriterCheck.PodRef.of(Map.of(), "a.%%%.c")).isEmpty();
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature";
    }
}
