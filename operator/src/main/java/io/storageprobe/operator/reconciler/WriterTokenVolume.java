package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.storageprobe.api.v1alpha1.StorageProbeResult;

/**
 * The agent Pod's writer token (docs/design.md, "Who may speak for a node"): a projected
 * ServiceAccount token for the audience only the operator accepts. The kubelet requests it
 * bound to the Pod (it stops being valid when the Pod goes) and replaces it at 80% of its life;
 * the agent reads the file at each write.
 */
final class WriterTokenVolume {
    static final String NAME = "writer-token";
    static final String DIR = "/var/run/secrets/storageprobe.io/writer";
    static final String FILE = "token";
    /** The shortest life the API server issues (10 minutes) would mean six result writes an hour per node for nothing. */
    static final long EXPIRATION_SECONDS = 3600;
    /** WriterToken.FILE_VARIABLE in the agent. */
    static final String ENV = "STORAGEPROBE_WRITER_TOKEN_FILE";

    private WriterTokenVolume() {}

    static Volume volume() {
        return new VolumeBuilder()
                .withName(NAME)
                .withNewProjected()
                .addNewSource()
                .withNewServiceAccountToken()
                .withAudience(StorageProbeResult.WRITER_TOKEN_AUDIENCE)
                .withExpirationSeconds(EXPIRATION_SECONDS)
                .withPath(FILE)
                .endServiceAccountToken()
                .endSource()
                .endProjected()
                .build();
    }

    static VolumeMount mount() {
        return new VolumeMountBuilder()
                .withName(NAME)
                .withMountPath(DIR)
                .withReadOnly(true)
                .build();
    }

    static EnvVar env() {
        return new EnvVarBuilder().withName(ENV).withValue(DIR + "/" + FILE).build();
    }
}
