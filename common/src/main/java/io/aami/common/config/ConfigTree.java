package io.aami.common.config;

import io.aami.common.net.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One layered configuration: defaults &lt; YAML file &lt; {@code AAMI_*} environment.
 *
 * <p>Every typed getter records the key as known; {@link #finish()} then refuses any key in the
 * file that no getter asked for, so a typo such as {@code hearbeat.interval} stops startup instead
 * of silently running with the default. The environment name of {@code a.b_c} is {@code AAMI_A_B_C}
 * unless an alias is given (the server's {@code tls.enabled} is {@code AAMI_TLS}).
 */
public final class ConfigTree {
    private final ConfigLayers layers;
    private final Set<String> knownKeys = new TreeSet<>();

    private ConfigTree(Map<String, Object> root, String fileName, Map<String, String> env, Map<String, String> envAliases) {
        this.layers = new ConfigLayers(root, fileName, env, envAliases);
    }

    /** Reads {@code file} (may be null: defaults and environment only). */
    public static ConfigTree load(Path file, Map<String, String> env, Map<String, String> envAliases) {
        if (file == null) {
            return new ConfigTree(Map.of(), null, env, envAliases);
        }
        return new ConfigTree(ConfigLayers.readYaml(file), file.toString(), env, envAliases);
    }

    /** A tree over an already parsed document; {@code origin} names it in messages. */
    public static ConfigTree of(Map<String, Object> doc, String origin, Map<String, String> env, Map<String, String> envAliases) {
        return new ConfigTree(doc, origin, env, envAliases);
    }

    public String string(String key, String def) {
        Raw raw = raw(key);
        return raw == null ? def : scalar(raw, key);
    }

    public Duration duration(String key, Duration def) {
        return parsed(key, def, Durations::parse);
    }

    public long byteSize(String key, long def) {
        return parsed(key, def, ByteSizes::parse);
    }

    /** A {@code host:port} read by {@link HostPort#parse}; {@code def} (may be null) when the key is unset. */
    public HostPort hostPort(String key, String def, HostPort.Option... options) {
        return parsed(key, def == null ? null : HostPort.parse(def, options), s -> HostPort.parse(s, options));
    }

    public int integer(String key, int def, int min, int max) {
        int value = parsed(key, def, s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a whole number");
            }
        });
        if (value < min || value > max) {
            throw invalid(key, value + " is outside the allowed range " + min + ".." + max);
        }
        return value;
    }

    public boolean bool(String key, boolean def) {
        return parsed(key, def, s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not one of on, off, true, false");
        });
    }

    /** A string that must be one of {@code allowed} (compared case-insensitively, returned lower-case). */
    public String choice(String key, String def, String... allowed) {
        String v = string(key, def).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(v)) {
            throw invalid(key, "'" + v + "' is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    /** A map of strings: a YAML mapping, or {@code k=v,k2=v2} in the environment. */
    public Map<String, String> stringMap(String key) {
        Raw raw = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (raw.value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            return out;
        }
        if (!(raw.value instanceof String s)) {
            throw invalid(key, "expected a mapping of names to values");
        }
        for (String pair : s.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(key, "'" + pair + "' is not name=value");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** A list of strings: a YAML sequence, or a comma-separated environment value. */
    public List<String> stringList(String key, List<String> def) {
        Raw raw = raw(key);
        if (raw == null) {
            return def;
        }
        List<String> out = new ArrayList<>();
        if (raw.value instanceof List<?> l) {
            l.forEach(v -> out.add(String.valueOf(v)));
        } else if (raw.value instanceof String s) {
            Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(out::add);
        } else {
            throw invalid(key, "expected a list");
        }
        return out;
    }

    /** A failure naming the key and where its value came from, for checks across several keys. */
    public ConfigException invalid(String key, String problem) {
        return new ConfigException("config key '" + key + "' (" + layers.origin(key) + "): " + problem);
    }

    /** Refuses every file key that no getter asked for. Call after reading all keys. */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        collectUnknown(layers.file(), "", unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown config key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " in " + layers.fileName());
        }
    }

    /** {@code AAMI_*} variables that matched no key: a warning, since other aami processes share the prefix. */
    public List<String> unusedEnvironment() {
        return layers.unusedEnvironment();
    }

    /** One warning per {@link #unusedEnvironment} variable, naming the process ({@code agent}, {@code config-server}). */
    public List<String> unusedEnvironmentWarnings(String process) {
        return unusedEnvironment().stream()
                .map(name -> "environment variable " + name + " matches no " + process + " key and is ignored").toList();
    }

    private <T> T parsed(String key, T def, Function<String, T> parser) {
        Raw raw = raw(key);
        if (raw == null) {
            return def;
        }
        try {
            return parser.apply(scalar(raw, key));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private String scalar(Raw raw, String key) {
        if (raw.value instanceof Map || raw.value instanceof List) {
            throw invalid(key, "expected a single value, not a " + (raw.value instanceof Map ? "mapping" : "list"));
        }
        return String.valueOf(raw.value);
    }

    private Raw raw(String key) {
        knownKeys.add(key);
        Object value = layers.value(key);
        return value == null ? null : new Raw(value);
    }

    private void collectUnknown(Map<String, Object> node, String prefix, List<String> unknown) {
        for (Map.Entry<String, Object> e : node.entrySet()) {
            String path = prefix + e.getKey();
            if (knownKeys.contains(path)) {
                continue;
            }
            if (e.getValue() instanceof Map<?, ?> && knownKeys.stream().anyMatch(k -> k.startsWith(path + "."))) {
                collectUnknown(ConfigLayers.castMap(e.getValue()), path + ".", unknown);
            } else {
                unknown.add("'" + path + "'");
            }
        }
    }

    private record Raw(Object value) {
    }
}
