package io.storageprobe.operator.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/** The helm v4 binary charts/tools/install-tools.sh installs: HELM_BIN, else PATH, else its default cache. */
final class Helm {
    private Helm() {}

    static Path binary() {
        String fromEnv = System.getenv("HELM_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "helm");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path fetched = cache.resolve("storageprobe/helm/helm");
        if (!Files.isExecutable(fetched)) {
            throw new IllegalStateException(
                    "helm not found: run charts/tools/install-tools.sh and export what it prints");
        }
        return fetched;
    }
}
