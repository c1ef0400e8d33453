package io.aami.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Where a {@link ConfigTree} key's value comes from: its {@code AAMI_*} environment variable over the YAML file's
 * nested mappings, and, for messages, which of them gave it. Remembers the variables that matched a key, so the
 * others can be warned about. The typed reading and the unknown-key check stay with {@link ConfigTree}.
 */
final class ConfigLayers {
    static final String ENV_PREFIX = "AAMI_";

    private final Map<String, Object> root;
    private final String fileName;
    private final Map<String, String> env;
    private final Map<String, String> envAliases;
    private final Set<String> usedEnv = new TreeSet<>();

    ConfigLayers(Map<String, Object> root, String fileName, Map<String, String> env, Map<String, String> envAliases) {
        this.root = root;
        this.fileName = fileName;
        this.env = Map.copyOf(env);
        this.envAliases = Map.copyOf(envAliases);
    }

    /** The mapping in YAML {@code file}: a duplicate key is refused, and only plain YAML types are built. */
    static Map<String, Object> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist or is not a regular file");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(options)).load(reader);
            if (doc != null && !(doc instanceof Map)) {
                throw new ConfigException("config file " + file + " must hold a mapping of keys, not " + doc.getClass().getSimpleName());
            }
            return doc == null ? Map.of() : castMap(doc);
        } catch (IOException | YAMLException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** The file's document (empty without a file). */
    Map<String, Object> file() {
        return root;
    }

    /** What names the file in messages (null without one). */
    String fileName() {
        return fileName;
    }

    /** The key's value: its environment variable's if set (set empty, the key is unset), else the file's; null if unset. */
    Object value(String key) {
        String envName = envName(key);
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            usedEnv.add(envName);
            return fromEnv.isEmpty() ? null : fromEnv;
        }
        return fileValue(key);
    }

    /** Where the key's value came from, or how to set it: for messages. */
    String origin(String key) {
        String envName = envName(key);
        if (env.containsKey(envName)) {
            return "environment variable " + envName;
        }
        return fileValue(key) != null ? fileName : "default; set it in the config file or " + envName;
    }

    /** {@code AAMI_*} variables that matched no key read so far. */
    List<String> unusedEnvironment() {
        return env.keySet().stream().filter(k -> k.startsWith(ENV_PREFIX) && !usedEnv.contains(k)).sorted().toList();
    }

    private Object fileValue(String key) {
        Object node = root;
        for (String part : key.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    private String envName(String key) {
        return envAliases.getOrDefault(key, ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
