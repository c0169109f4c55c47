package io.storageprobe.agent.cli;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.qemu.RuleInfo;

/** The rules section of {@code check --help}, written from the rule catalog so it cannot drift. */
final class RuleHelp {
    private RuleHelp() {}

    static String text() {
        StringBuilder out = new StringBuilder();
        for (RuleInfo rule : RuleCatalog.RULES) {
            out.append("  ")
                    .append(rule.name())
                    .append(": breaks ")
                    .append(rule.breaksText())
                    .append('\n')
                    .append("      checks that ")
                    .append(rule.checks())
                    .append('\n')
                    .append("      source: ")
                    .append(rule.source())
                    .append('\n');
        }
        return out.toString();
    }
}
