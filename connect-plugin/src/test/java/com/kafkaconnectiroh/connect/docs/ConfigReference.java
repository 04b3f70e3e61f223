package com.kafkaconnectiroh.connect.docs;

import com.kafkaconnectiroh.connect.sink.IrohSinkConfig;
import com.kafkaconnectiroh.connect.source.IrohSourceConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Writes docs/config-reference.md from the connectors' ConfigDefs, the single source of truth for names, types,
 * defaults, valid values and documentation; {@link ConfigReferenceTest} fails the build when the checked-in file
 * differs from what this prints.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
                .append("Generated from the connectors' `ConfigDef`s (`ConfigReference`); do not edit by hand. Regenerate with\n")
                .append("`mvn -q -B -pl connect-plugin -am test -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dconfig.reference.write=true`.\n\n")
                .append("Both connectors also take the framework's keys (`name`, `connector.class`, `tasks.max`, converters, ")
                .append("transforms, `errors.*`; the sink `topics` / `topics.regex`). See [connectors.md](connectors.md).\n\n");
        section(sb, "Source connector: `com.kafkaconnectiroh.connect.source.IrohSourceConnector`", IrohSourceConfig.CONFIG_DEF);
        section(sb, "Sink connector: `com.kafkaconnectiroh.connect.sink.IrohSinkConnector`", IrohSinkConfig.CONFIG_DEF);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, ConfigDef def) {
        sb.append("## ").append(title).append("\n\n");
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        List<String> groups = def.groups();
        keys.sort(Comparator.comparingInt((ConfigDef.ConfigKey k) -> groups.indexOf(k.group))
                .thenComparingInt(k -> k.orderInGroup));
        for (String group : groups) {
            List<ConfigDef.ConfigKey> inGroup = keys.stream().filter(k -> group.equals(k.group)).toList();
            if (inGroup.isEmpty()) {
                continue;
            }
            sb.append("### ").append(group).append("\n\n")
                    .append("| key | type | default | valid values | importance |\n|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey k : inGroup) {
                sb.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase()).append(" | ")
                        .append(defaultText(k)).append(" | ")
                        .append(k.validator == null ? "" : escape(k.validator.toString()))
                        .append(" | ").append(k.importance.name().toLowerCase()).append(" |\n");
            }
            sb.append('\n');
            for (ConfigDef.ConfigKey k : inGroup) {
                sb.append("- **`").append(k.name).append("`**: ").append(escape(k.documentation)).append('\n');
            }
            sb.append('\n');
        }
    }

    private static String defaultText(ConfigDef.ConfigKey k) {
        if (!k.hasDefault()) {
            return "(required)";
        }
        Object d = k.defaultValue;
        if (d == null) {
            return "(none)";
        }
        if (d instanceof Password) {
            return "(none)";
        }
        String s = d instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : d.toString();
        return s.isEmpty() ? "\"\"" : "`" + s + "`";
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
