package io.storageprobe.operator.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a result was written by the probe's agent Pod on the result's node: the token in the
 * result's {@link StorageProbeResult#WRITER_TOKEN_ANNOTATION} annotation is reviewed by the API
 * server (TokenReview, audience {@link StorageProbeResult#WRITER_TOKEN_AUDIENCE}); it must be the
 * agent ServiceAccount's, bound to a Pod that exists, is controlled by the probe's DaemonSet and
 * runs on that node. Two requests per check (the review and a GET of the Pod); {@link
 * CheckedWriters} makes that once per version of a result. A request that fails (the API server
 * unreachable, RBAC missing) is thrown: no verdict is made of it.
 */
final class WriterCheck {
    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final String agentUser;

    /** @param namespace where the agent Pods run; @param agentServiceAccount the agent Pods' ServiceAccount there */
    WriterCheck(KubernetesClient client, String namespace, String agentServiceAccount) {
        this.client = client;
        this.namespace = namespace;
        this.agentUser = "system:serviceaccount:" + namespace + ":" + agentServiceAccount;
    }

    /** @return why {@code result} is not trusted, or empty when its node's agent wrote it */
    Optional<String> refusal(StorageProbeResult result, DaemonSet agents) {
        Map<String, String> annotations = result.getMetadata().getAnnotations();
        String token = annotations == null ? null : annotations.get(StorageProbeResult.WRITER_TOKEN_ANNOTATION);
        if (token == null || token.isBlank()) {
            return Optional.of("it carries no writer token (annotation " + StorageProbeResult.WRITER_TOKEN_ANNOTATION
                    + "), so nothing shows that node " + result.getSpec().node() + "'s agent wrote it");
        }
        if (agents == null) {
            return Optional.of("the probe has no agent DaemonSet whose Pod could have written it");
        }
        TokenReview review = client.resource(new TokenReviewBuilder()
                        .withNewSpec()
                        .withToken(token)
                        .withAudiences(StorageProbeResult.WRITER_TOKEN_AUDIENCE)
                        .endSpec()
                        .build())
                .create();
        TokenReviewStatus status = review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
            String error = status == null || status.getError() == null ? "" : ": " + status.getError();
            return Optional.of("the API server does not accept its writer token for audience "
                    + StorageProbeResult.WRITER_TOKEN_AUDIENCE + error);
        }
        UserInfo user = status.getUser();
        if (!agentUser.equals(user.getUsername())) {
            return Optional.of("its writer token is " + user.getUsername() + "'s, not the agent ServiceAccount "
                    + agentUser + "'s");
        }
        Optional<PodRef> bound = PodRef.of(user.getExtra(), token);
        if (bound.isEmpty()) {
            return Optional.of(
                    "its writer token is not bound to a Pod (a projected token is; a Secret's token is not)");
        }
        Pod pod = client.pods()
                .inNamespace(namespace)
                .withName(bound.get().name())
                .get();
        if (pod == null || !bound.get().uid().equals(pod.getMetadata().getUid())) {
            return Optional.of(
                    "the Pod its writer token is bound to (" + bound.get().name() + ") no longer exists");
        }
        String daemonSet = agents.getMetadata().getName();
        boolean ours = pod.getMetadata().getOwnerReferences() != null
                && pod.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Boolean.TRUE.equals(o.getController())
                                && "DaemonSet".equals(o.getKind())
                                && agents.getMetadata().getUid().equals(o.getUid()));
        if (!ours) {
            return Optional.of("it was written by Pod " + bound.get().name() + ", which DaemonSet " + daemonSet
                    + " does not control" + controllerOf(pod.getMetadata().getOwnerReferences()));
        }
        String podNode = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (!result.getSpec().node().equals(podNode)) {
            return Optional.of("it was written by the agent Pod " + bound.get().name() + " on node "
                    + (podNode == null ? "(none yet)" : podNode) + ", not by node "
                    + result.getSpec().node() + "'s");
        }
        return Optional.empty();
    }

    private static String controllerOf(List<OwnerReference> owners) {
        return owners == null
                ? ""
                : owners.stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController()))
                        .map(o -> " (its controller is " + o.getKind() + " " + o.getName() + ")")
                        .findFirst()
                        .orElse("");
    }

    /**
     * The Pod a reviewed token is bound to. The API server puts it in the user's extra; should one
     * leave it out, the token's own claims say it: the review has just verified their signature.
     */
    record PodRef(String name, String uid) {
        static Optional<PodRef> of(Map<String, List<String>> extra, String token) {
            String name = single(extra, POD_NAME);
            String uid = single(extra, POD_UID);
            if (name != null && uid != null) {
                return Optional.of(new PodRef(name, uid));
            }
            JsonNode pod = claims(token).path("kubernetes.io").path("pod");
            return pod.hasNonNull("name") && pod.hasNonNull("uid")
                    ? Optional.of(
                            new PodRef(pod.get("name").asText(), pod.get("uid").asText()))
                    : Optional.empty();
        }

        private static String single(Map<String, List<String>> extra, String key) {
            List<String> values = extra == null ? null : extra.get(key);
            return values == null || values.size() != 1 ? null : values.get(0);
        }

        private static JsonNode claims(String token) {
            String[] parts = token.split("\\.");
            try {
                return parts.length == 3
                        ? JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                        : JSON.missingNode();
            } catch (IOException | IllegalArgumentException e) {
                return JSON.missingNode();
            }
        }
    }
}
