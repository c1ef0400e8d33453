package io.aami.agent.config;

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

/** Defaults &lt; YAML &lt; {@code AAMI_*} environment, and what happens to keys the agent does not know. */
class AgentConfigLayersTest {
    @TempDir
    Path dir;

    static final Map<String, Function<AgentConfig, Object>> READ = Map.ofEntries(
            Map.entry("server.retry_max_interval", c -> c.server().retryMaxInterval().toString()),
            Map.entry("heartbeat.interval", c -> c.heartbeat().interval().toString()),
            Map.entry("checks.output_max_bytes", c -> String.valueOf(c.checks().outputMaxBytes())),
            Map.entry("checks.allowed_interpreters", c -> String.join(" ", c.checks().allowedInterpreters())),
            Map.entry("spool.max_bytes", c -> String.valueOf(c.spool().maxBytes())),
            Map.entry("spool.segment_bytes", c -> String.valueOf(c.spool().segmentBytes())),
            Map.entry("policy.wait", c -> c.policy().longPollWait().toString()),
            Map.entry("api.listen", c -> c.api().enabled() ? c.api().host() + " " + c.api().port() : "off"),
            Map.entry("logging.level", c -> c.logging().level()));

    /** A file with the required server.address and the row's key. */
    Path file(String key, String yamlValue) throws Exception {
        String yaml = "server:\n  address: \"file.example:8443\"\n  tls:\n    enabled: false\n";
        String[] parts = key.split("\\.");
        yaml += (parts[0].equals("server") ? "" : parts[0] + ":\n") + "  " + parts[1] + ": " + yamlValue + "\n";
        return Files.writeString(dir.resolve("agent.yaml"), yaml);
    }

    @ParameterizedTest(name = "{0}: default {2}, file {4}, environment {6}")
    @CsvSource(delimiter = '|', value = {
            "server.retry_max_interval   | AAMI_SERVER_RETRY_MAX_INTERVAL   | PT2M      | 30s     | PT30S      | 5s        | PT5S",
            "heartbeat.interval          | AAMI_HEARTBEAT_INTERVAL          | PT30S     | 10s     | PT10S      | 5s        | PT5S",
            "checks.output_max_bytes     | AAMI_CHECKS_OUTPUT_MAX_BYTES     | 4096      | 8KiB    | 8192       | 512       | 512",
            "checks.allowed_interpreters | AAMI_CHECKS_ALLOWED_INTERPRETERS | sh bash python3 | '[sh]' | sh  | 'bash, sh' | bash sh",
            "spool.max_bytes             | AAMI_SPOOL_MAX_BYTES             | 67108864  | 32MiB   | 33554432   | 16MiB     | 16777216",
            "spool.segment_bytes         | AAMI_SPOOL_SEGMENT_BYTES         | 1048576   | 512KiB  | 524288     | 256KiB    | 262144",
            "policy.wait                 | AAMI_POLICY_WAIT                 | PT30S     | 1m      | PT1M       | 2m        | PT2M",
            "api.listen                  | AAMI_API_LISTEN                  | 127.0.0.1 8469 | '\"[::1]:9000\"' | ::1 9000 | 'off' | off",
            "logging.level               | AAMI_LOGGING_LEVEL               | info      | debug   | debug      | WARN      | warn"})
    void environmentBeatsFileBeatsDefault(String key, String variable, String byDefault, String yamlValue, String fromFile,
                                          String envValue, String fromEnv) throws Exception {
        Map<String, String> base = Map.of("AAMI_SERVER_ADDRESS", "env.example:8443", "AAMI_SERVER_TLS_ENABLED", "false");
        Function<AgentConfig, Object> read = READ.get(key);
        assertThat(read.apply(AgentConfigLoader.load(null, base))).as("default").hasToString(byDefault);
        Path file = file(key, yamlValue);
        assertThat(read.apply(AgentConfigLoader.load(file, Map.of()))).as("file").hasToString(fromFile);
        Map<String, String> env = new HashMap<>(Map.of(variable, envValue));
        assertThat(read.apply(AgentConfigLoader.load(file, env))).as("environment").hasToString(fromEnv);
        // An empty variable is not a value: the key falls back to its default, past the file.
        env.put(variable, "");
        assertThat(read.apply(AgentConfigLoader.load(file, env))).as("an empty variable").hasToString(byDefault);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'extra: 1'                                  | unknown config key 'extra'",
            "'heartbeat:\n  intervall: 5s'               | unknown config key 'heartbeat.intervall'",
            "'checks:\n  max_concurent: 5\nspool:\n  max: 1' | unknown config keys 'checks.max_concurent', 'spool.max'",
            "'server:\n  tls:\n    ca: x'                | unknown config key 'server.tls.ca'",
            "'agent:\n  labels: {a: b}\n  label: x'      | unknown config key 'agent.label'"})
    void unknownFileKeysStopStartupNamingThem(String extraYaml, String message) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), extraYaml + "\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(file, AgentConfigValidationTest.BASE))
                .isInstanceOf(ConfigException.class).hasMessage(message + " in " + file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AAMI_HEARTBEAT_INTERVALL", "AAMI_SERVER_ADRESS", "AAMI_LISTEN"})
    void unknownAamiVariablesAreWarningsNotErrors(String variable) {
        Map<String, String> env = new HashMap<>(AgentConfigValidationTest.BASE);
        env.put(variable, "5s");
        assertThat(AgentConfigLoader.loadWithWarnings(null, env).warnings())
                .containsExactly("environment variable " + variable + " matches no agent key and is ignored");
    }
}
