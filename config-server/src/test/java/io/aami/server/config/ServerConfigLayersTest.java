package io.aami.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults &lt; YAML &lt; {@code AAMI_*} environment, and what happens to keys the server does not know. */
class ServerConfigLayersTest {
    @TempDir
    Path dir;

    static final Map<String, Function<ServerConfig, Object>> READ = Map.ofEntries(
            Map.entry("listen", ServerConfig::listen),
            Map.entry("tls.enabled", c -> c.tls().enabled()),
            Map.entry("database.url", c -> String.valueOf(c.database().url())),
            Map.entry("heartbeat.interval", c -> c.heartbeat().interval().toString()),
            Map.entry("http.max_body_bytes", c -> c.http().maxBodyBytes()),
            Map.entry("checks.interpreters", c -> String.join(" ", c.checks().interpreters())),
            Map.entry("checks.max_script_bytes", c -> c.checks().maxScriptBytes()),
            Map.entry("results.retention", c -> c.results().retention().toString()),
            Map.entry("policy.max_wait", c -> c.policy().maxWait().toString()),
            Map.entry("logging.format", c -> c.logging().format()));

    Path file(String key, String yamlValue) throws Exception {
        String[] parts = key.split("\\.");
        String yaml = parts.length == 1 ? key + ": " + yamlValue : parts[0] + ":\n  " + parts[1] + ": " + yamlValue;
        return Files.writeString(dir.resolve("server.yaml"), yaml + "\n");
    }

    @ParameterizedTest(name = "{0}: default {2}, file {4}, environment {6}")
    @CsvSource(delimiter = '|', value = {
            "listen                  | AAMI_LISTEN                  | 0.0.0.0:8443  | '\"127.0.0.1:9000\"' | 127.0.0.1:9000 | [::1]:9443 | [::1]:9443",
            "tls.enabled             | AAMI_TLS                     | true          | false     | false      | on        | true",
            "database.url            | AAMI_DATABASE_URL            | null          | jdbc:postgresql://file/aami | jdbc:postgresql://file/aami | jdbc:postgresql://env/aami | jdbc:postgresql://env/aami",
            "heartbeat.interval      | AAMI_HEARTBEAT_INTERVAL      | PT30S         | 10s       | PT10S      | 5s        | PT5S",
            "http.max_body_bytes     | AAMI_HTTP_MAX_BODY_BYTES     | 1048576       | 2MiB      | 2097152    | 4KiB      | 4096",
            "checks.interpreters     | AAMI_CHECKS_INTERPRETERS     | sh bash python3 | '[sh]'  | sh         | 'bash, sh' | bash sh",
            "checks.max_script_bytes | AAMI_CHECKS_MAX_SCRIPT_BYTES | 65536         | 128KiB    | 131072     | 1KiB      | 1024",
            "results.retention       | AAMI_RESULTS_RETENTION       | PT336H        | 30d       | PT720H     | 7d        | PT168H",
            "policy.max_wait         | AAMI_POLICY_MAX_WAIT         | PT1M          | 30s       | PT30S      | 2m        | PT2M",
            "logging.format          | AAMI_LOGGING_FORMAT          | text          | json      | json       | TEXT      | text"})
    void environmentBeatsFileBeatsDefault(String key, String variable, String byDefault, String yamlValue, String fromFile,
                                          String envValue, String fromEnv) throws Exception {
        Function<ServerConfig, Object> read = READ.get(key);
        assertThat(read.apply(ServerConfigLoader.load(null, Map.of()))).as("default").hasToString(byDefault);
        Path file = file(key, yamlValue);
        assertThat(read.apply(ServerConfigLoader.load(file, Map.of()))).as("file").hasToString(fromFile);
        Map<String, String> env = new HashMap<>(Map.of(variable, envValue));
        assertThat(read.apply(ServerConfigLoader.load(file, env))).as("environment").hasToString(fromEnv);
        // An empty variable is not a value: the key falls back to its default, past the file.
        env.put(variable, "");
        assertThat(read.apply(ServerConfigLoader.load(file, env))).as("an empty variable").hasToString(byDefault);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'databse:\n  url: x'                        | unknown config key 'databse'",
            "'heartbeat:\n  intervall: 5s'               | unknown config key 'heartbeat.intervall'",
            "'tls:\n  enable: false\n  cert_file: x'     | unknown config keys 'tls.enable', 'tls.cert_file'",
            "'http:\n  max_body: 1\nmetrics:\n  private: true' | unknown config keys 'http.max_body', 'metrics.private'",
            "'policy:\n  max_wait: 10s\n  wait: 1s'      | unknown config key 'policy.wait'"})
    void unknownFileKeysStopStartupNamingThem(String yaml, String message) throws Exception {
        Path file = Files.writeString(dir.resolve("server.yaml"), yaml + "\n");
        assertThatThrownBy(() -> ServerConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage(message + " in " + file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AAMI_DATABSE_URL", "AAMI_TLS_ENABLED", "AAMI_SERVER_ADDRESS"})
    void unknownAamiVariablesAreWarningsNotErrors(String variable) {
        assertThat(ServerConfigLoader.loadWithWarnings(null, Map.of(variable, "x")).warnings())
                .containsExactly("environment variable " + variable + " matches no config-server key and is ignored");
    }
}
