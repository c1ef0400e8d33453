package io.aami.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTreeTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void environmentBeatsFileBeatsDefault() throws Exception {
        ConfigTree t = ConfigTree.load(yaml("heartbeat:\n  interval: 10s\n  timeout: 2s\n"),
                Map.of("AAMI_HEARTBEAT_TIMEOUT", "3s"), Map.of());
        assertThat(t.duration("heartbeat.interval", Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.duration("heartbeat.timeout", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.duration("heartbeat.jitter", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        t.finish();
    }

    @Test
    void unknownFileKeyStopsStartupNamingIt() throws Exception {
        ConfigTree t = ConfigTree.load(yaml("heartbeat:\n  intervall: 10s\nlogging:\n  level: info\n"), Map.of(), Map.of());
        t.duration("heartbeat.interval", Duration.ofSeconds(30));
        t.string("logging.level", "info");
        assertThatThrownBy(t::finish).isInstanceOf(ConfigException.class).hasMessageContaining("'heartbeat.intervall'");
    }

    @Test
    void badValueNamesKeyAndSource() throws Exception {
        ConfigTree t = ConfigTree.load(yaml("heartbeat:\n  interval: 30\n"), Map.of("AAMI_TLS", "maybe"), Map.of("tls.enabled", "AAMI_TLS"));
        assertThatThrownBy(() -> t.duration("heartbeat.interval", Duration.ZERO))
                .hasMessageContaining("heartbeat.interval").hasMessageContaining("c.yaml").hasMessageContaining("not a duration");
        assertThatThrownBy(() -> t.bool("tls.enabled", true))
                .hasMessageContaining("tls.enabled").hasMessageContaining("AAMI_TLS");
    }

    @Test
    void mapsListsAndRanges() throws Exception {
        ConfigTree t = ConfigTree.load(yaml("agent:\n  labels:\n    env: prod\n    rack: 7\nchecks:\n  max_concurrent: 0\n"),
                Map.of("AAMI_CHECKS_ALLOWED", "sh, bash"), Map.of());
        assertThat(t.stringMap("agent.labels")).containsEntry("env", "prod").containsEntry("rack", "7");
        assertThat(t.stringList("checks.allowed", List.of())).containsExactly("sh", "bash");
        assertThatThrownBy(() -> t.integer("checks.max_concurrent", 10, 1, 100)).hasMessageContaining("1..100");
        assertThat(t.unusedEnvironment()).isEmpty();
        ConfigTree typo = ConfigTree.load(null, Map.of("AAMI_CHECKS_ALOWED", "sh", "PATH", "/bin"), Map.of());
        assertThat(typo.unusedEnvironmentWarnings("agent"))
                .containsExactly("environment variable AAMI_CHECKS_ALOWED matches no agent key and is ignored");
    }

    @Test
    void durationsAndSizes() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThatThrownBy(() -> Durations.parse("5 minutes")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ByteSizes.parse("64MiB")).isEqualTo(64L * 1024 * 1024);
        assertThatThrownBy(() -> ByteSizes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostPortNamesTheKeyAndItsOriginWhenRefused() throws Exception {
        ConfigTree t = ConfigTree.load(yaml("listen: \"[::1]:9000\"\nserver: \":80\"\n"), Map.of("AAMI_API", "h:0"), Map.of());
        assertThat(t.hostPort("listen", "0.0.0.0:1")).isEqualTo(new io.aami.common.net.HostPort("::1", 9000));
        assertThat(t.hostPort("other", "0.0.0.0:1")).isEqualTo(new io.aami.common.net.HostPort("0.0.0.0", 1));
        assertThat(t.hostPort("unset", null)).isNull();
        assertThat(t.hostPort("api", null, io.aami.common.net.HostPort.Option.PORT_ZERO).port()).isZero();
        assertThatThrownBy(() -> t.hostPort("api", null)).isInstanceOf(ConfigException.class)
                .hasMessage("config key 'api' (environment variable AAMI_API): port 0 is outside 1..65535");
        assertThatThrownBy(() -> t.hostPort("server", null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key 'server' (" + dir.resolve("c.yaml") + "): ':80' is not host:port");
    }

    @Test
    void missingFileAndNonMappingDocumentAreErrors() throws Exception {
        assertThatThrownBy(() -> ConfigTree.load(dir.resolve("nope.yaml"), Map.of(), Map.of())).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigTree.load(yaml("- a\n- b\n"), Map.of(), Map.of())).hasMessageContaining("mapping");
        assertThatThrownBy(() -> ConfigTree.load(yaml("a: 1\na: 2\n"), Map.of(), Map.of())).hasMessageContaining("cannot be read");
    }
}
