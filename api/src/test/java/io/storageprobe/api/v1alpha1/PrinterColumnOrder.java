package io.storageprobe.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The crd-generator writes printer columns sorted by JSON path, but kubectl shows them in the
 * order of the CRD, and design.md fixes that order (Nodes, Reported, Affected, Latent, Errors,
 * QEMU, Ready, Age). This puts the generated column entries back in the order the annotations declare them;
 * nothing else in the file is touched.
 */
final class PrinterColumnOrder {
    private static final String BLOCK_START = "  - additionalPrinterColumns:\n";
    private static final String ENTRY_START = "    - jsonPath: ";

    private PrinterColumnOrder() {}

    static String reorder(String crdYaml, Class<?> resource) {
        List<String> declared = Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        int start = crdYaml.indexOf(BLOCK_START);
        if (start < 0 || declared.isEmpty()) {
            return crdYaml;
        }
        int entriesStart = start + BLOCK_START.length();
        int end = crdYaml.indexOf("\n    name: ", entriesStart) + 1;
        List<String> entries = new ArrayList<>();
        String block = crdYaml.substring(entriesStart, end);
        int from = 0;
        while (from < block.length()) {
            int next = block.indexOf(ENTRY_START, from + 1);
            next = next < 0 ? block.length() : next;
            entries.add(block.substring(from, next));
            from = next;
        }
        entries.sort(Comparator.comparingInt(e -> declared.indexOf(nameOf(e))));
        return crdYaml.substring(0, entriesStart) + String.join("", entries) + crdYaml.substring(end);
    }

    private static String nameOf(String entry) {
        int i = entry.indexOf("name: \"") + "name: \"".length();
        return entry.substring(i, entry.indexOf('"', i));
    }
}
