package io.aami.server.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} (or {@code --name=value}) options of one operator command. An unknown or
 * repeated option is an error rather than ignored, so a mistyped flag never runs against the wrong setup.
 */
final class CommandOptions {
    private final Map<String, String> values;

    private CommandOptions(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** @throws IllegalArgumentException naming the first argument it does not accept */
    static CommandOptions parse(List<String> args, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected '" + a + "'");
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option '--" + name + "'");
            }
            if (eq < 0 && i + 1 >= args.size()) {
                throw new IllegalArgumentException("'--" + name + "' needs a value");
            }
            String value = eq < 0 ? args.get(++i) : a.substring(eq + 1);
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException("'--" + name + "' given twice");
            }
        }
        return new CommandOptions(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String def) {
        return values.getOrDefault(name, def);
    }
}
