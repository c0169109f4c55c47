package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** The chart under test, rendered with the real helm binary and parsed into fabric8 models. */
final class Chart {
    /** Surefire runs in the module directory, charts/. */
    static final Path MODULE_DIR = Path.of("").toAbsolutePath();

    static final Path CHART_DIR = MODULE_DIR.resolve("storageprobe");
    static final Path REPO_ROOT = MODULE_DIR.getParent();
    static final String RELEASE = "sp";
    /** Not "default", so a hard-coded namespace in a template shows. */
    static final String NAMESPACE = "storageprobe-system";

    /** Every toggle on, scraped through ServiceMonitors. */
    static final String[] ALL_TOGGLES_SERVICE_MONITOR = {
        "metrics.serviceMonitor.enabled=true", "prometheusRule.enabled=true",
        "grafanaDashboard.enabled=true", "defaultProbe.enabled=true"
    };
    /** Every toggle on, scraped through PodMonitors (the two monitor kinds exclude each other). */
    static final String[] ALL_TOGGLES_POD_MONITOR = {
        "metrics.podMonitor.enabled=true", "prometheusRule.enabled=true",
        "grafanaDashboard.enabled=true", "defaultProbe.enabled=true"
    };

    private Chart() {}

    static Tools.Result helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Tools.helm().toString());
        command.addAll(Arrays.asList(args));
        return Tools.run(command, MODULE_DIR);
    }

    /** `helm template` with the given --set values; fails the test if helm does. */
    static Rendered render(String... sets) {
        Tools.Result r = helm(templateArgs(sets).toArray(String[]::new));
        if (r.exitCode() != 0) {
            fail("helm template %s failed:%n%s", Arrays.toString(sets), r.all());
        }
        return Rendered.parse(r.stdout());
    }

    static List<String> templateArgs(String... sets) {
        List<String> args =
                new ArrayList<>(List.of("template", RELEASE, CHART_DIR.toString(), "--namespace", NAMESPACE));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        return args;
    }

    /** The YAML documents of one rendering, each parsed into its fabric8 type. */
    record Rendered(String yaml, List<HasMetadata> objects) {
        static Rendered parse(String yaml) {
            List<HasMetadata> objects = new ArrayList<>();
            for (String doc : yaml.split("(?m)^---\\s*$")) {
                if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                    continue;
                }
                Object parsed = Serialization.unmarshal(doc);
                assertThat(parsed)
                        .as("rendered document is a Kubernetes object:%n%s", doc)
                        .isInstanceOf(HasMetadata.class);
                objects.add((HasMetadata) parsed);
            }
            return new Rendered(yaml, objects);
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream()
                    .filter(o -> Objects.equals(o.getMetadata().getName(), name))
                    .toList();
            assertThat(found).as("%s named %s", type.getSimpleName(), name).hasSize(1);
            return found.get(0);
        }

        /** Objects of a kind as untyped maps, typed model or not (StorageProbe has no class here). */
        List<GenericKubernetesResource> generic(String kind) {
            return objects.stream()
                    .filter(o -> kind.equals(o.getKind()))
                    .map(o -> o instanceof GenericKubernetesResource g
                            ? g
                            : Serialization.unmarshal(Serialization.asYaml(o), GenericKubernetesResource.class))
                    .toList();
        }

        List<String> kinds() {
            return objects.stream().map(HasMetadata::getKind).toList();
        }
    }
}
