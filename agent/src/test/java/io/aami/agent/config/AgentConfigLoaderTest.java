package io.aami.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
    @TempDir
    Path dir;

    /** The seed's agent.yaml, verbatim in shape. */
    static final String SEED = """
            server:
              address: "config-server.example.com:8443"
              tls:
                enabled: true
                ca_cert: "/etc/aami/ca.crt"
                client_cert: "/etc/aami/agent.crt"
                client_key: "/etc/aami/agent.key"
            agent:
              id_file: "/etc/aami/agent-id"
              hostname: ""
              labels:
                environment: "production"
                datacenter: "dc1"
            heartbeat:
              interval: 30s
              timeout: 10s
            checks:
              default_timeout: 30s
              max_concurrent: 10
              result_buffer_size: 1000
            logging:
              level: "info"
              format: "json"
            """;

    Path write(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void theSeedsAgentYamlLoads() throws Exception {
        AgentConfig cfg = AgentConfigLoader.load(write(SEED), Map.of());
        assertThat(cfg.server().host()).isEqualTo("config-server.example.com");
        assertThat(cfg.server().port()).isEqualTo(8443);
        assertThat(cfg.server().tls().enabled()).isTrue();
        assertThat(cfg.server().tls().caCert()).isEqualTo(Path.of("/etc/aami/ca.crt"));
        assertThat(cfg.agent().idFile()).isEqualTo(Path.of("/etc/aami/agent-id"));
        assertThat(cfg.agent().labels()).containsEntry("environment", "production").containsEntry("datacenter", "dc1");
        assertThat(cfg.agent().stateDir()).isEqualTo(Path.of("/var/lib/aami"));
        assertThat(cfg.checks().workDir()).as("scripts live beside the state dir by default, which stays 0700")
                .isEqualTo(Path.of("/var/lib/aami-checks"));
        assertThat(cfg.server().tls().clientKey()).isEqualTo(Path.of("/etc/aami/agent.key"));
        assertThat(cfg.server().tls().clientCert()).isEqualTo(Path.of("/etc/aami/agent.crt"));
        AgentConfig.Tls defaults = AgentConfigLoader.load(write(SEED.replaceAll("(?m)^ *client_(cert|key):.*\n", "")), Map.of())
                .server().tls();
        assertThat(defaults.clientKey()).isEqualTo(Path.of("/var/lib/aami/agent.key"));
        assertThat(defaults.clientCert()).isEqualTo(Path.of("/var/lib/aami/agent.crt"));
        assertThat(cfg.heartbeat().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.checks().maxConcurrent()).isEqualTo(10);
        assertThat(cfg.server().retryMaxInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(cfg.server().retryCap(Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.logging().format()).isEqualTo("json");
        assertThat(cfg.api().host()).isEqualTo("127.0.0.1");
        assertThat(cfg.api().port()).isEqualTo(AgentConfigLoader.DEFAULT_API_PORT).isNotEqualTo(9100);
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        AgentConfig cfg = AgentConfigLoader.load(write(SEED), Map.of("AAMI_SERVER_ADDRESS", "10.0.0.5:9443",
                "AAMI_HEARTBEAT_INTERVAL", "5s", "AAMI_AGENT_LABELS", "env=staging"));
        assertThat(cfg.server().address()).isEqualTo("10.0.0.5:9443");
        assertThat(cfg.heartbeat().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.agent().labels()).containsOnlyKeys("env");
        AgentConfig.Server quickRetry = AgentConfigLoader.load(write(SEED), Map.of("AAMI_SERVER_RETRY_MAX_INTERVAL", "5s")).server();
        assertThat(quickRetry.retryCap(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(5));
        assertThat(quickRetry.retryCap(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(AgentConfigLoader.load(write(SEED), Map.of("AAMI_CHECKS_WORK_DIR", "/srv/aami-checks")).checks().workDir())
                .isEqualTo(Path.of("/srv/aami-checks"));
    }

    @Test
    void severalServersFromTheFileOrTheEnvironment() throws Exception {
        String yaml = SEED.replace("  address: \"config-server.example.com:8443\"\n",
                "  addresses: [\"a.example.com:8443\", \"[2001:db8::1]:9443\"]\n");
        AgentConfig.Server s = AgentConfigLoader.load(write(yaml), Map.of()).server();
        assertThat(s.addresses()).extracting(Object::toString).containsExactly("a.example.com:8443", "[2001:db8::1]:9443");
        assertThat(s.address()).as("the first, where one address is wanted").isEqualTo("a.example.com:8443");
        AgentConfig.Server env = AgentConfigLoader.load(null, Map.of("AAMI_SERVER_ADDRESSES", "b:1, c:2",
                "AAMI_SERVER_TLS_ENABLED", "false")).server();
        assertThat(env.addresses()).extracting(Object::toString).containsExactly("b:1", "c:2");
        assertThat(AgentConfigLoader.load(write(SEED), Map.of()).server().addresses()).extracting(Object::toString)
                .as("server.address alone is a list of one").containsExactly("config-server.example.com:8443");
    }

    @Test
    void unknownKeysAndBadValuesAreStartupErrorsNamingThem() throws Exception {
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED + "extra:\n  thing: 1\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'extra'");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED.replace("interval: 30s", "interval: soon")), Map.of()))
                .hasMessageContaining("heartbeat.interval");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED.replace("max_concurrent: 10", "max_concurent: 10")), Map.of()))
                .hasMessageContaining("checks.max_concurent");
        assertThatThrownBy(() -> AgentConfigLoader.load(null, Map.of()))
                .hasMessageContaining("server.address").hasMessageContaining("required");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED), Map.of("AAMI_SERVER_ADDRESS", "no-port")))
                .hasMessageContaining("AAMI_SERVER_ADDRESS");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED), Map.of("AAMI_AGENT_GROUP_ID", "web")))
                .hasMessageContaining("agent.group_id");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED), Map.of("AAMI_SERVER_RETRY_MAX_INTERVAL", "10ms")))
                .hasMessageContaining("server.retry_max_interval");
    }

    @Test
    void localApiStaysOnLoopbackUnlessATokenIsSet() throws Exception {
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED), Map.of("AAMI_API_LISTEN", "0.0.0.0:8469")))
                .hasMessageContaining("api.token");
        AgentConfig open = AgentConfigLoader.load(write(SEED), Map.of("AAMI_API_LISTEN", "0.0.0.0:8469", "AAMI_API_TOKEN", "s3cret"));
        assertThat(open.api().host()).isEqualTo("0.0.0.0");
        assertThat(AgentConfigLoader.load(write(SEED), Map.of("AAMI_API_LISTEN", "off")).api().enabled()).isFalse();
    }

    /**
     * api.token written in a configuration file others can read is every local user's credential for the root-run API:
     * a warning naming api.token_file (not an error, so an upgraded host keeps running).
     */
    @Test
    void anInlineTokenInAReadableFileIsWarnedAbout() throws Exception {
        Path readable = write(SEED + "api:\n  token: \"s3cret-inline-token\"\n");
        java.nio.file.Files.setPosixFilePermissions(readable, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(AgentConfigLoader.loadWithWarnings(readable, Map.of()).warnings())
                .anySatisfy(w -> assertThat(w).startsWith("api.token is written in " + readable + ", which is rw-r--r--")
                        .contains("api.token_file").doesNotContain("s3cret-inline-token"));
        java.nio.file.Files.setPosixFilePermissions(readable, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(AgentConfigLoader.loadWithWarnings(readable, Map.of()).warnings()).noneMatch(w -> w.contains("api.token"));
        Path withoutToken = write(SEED);
        java.nio.file.Files.setPosixFilePermissions(withoutToken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(AgentConfigLoader.loadWithWarnings(withoutToken, Map.of("AAMI_API_TOKEN", "from-the-environment")).warnings())
                .noneMatch(w -> w.contains("api.token"));
    }

    @Test
    void privilegedSourcePortsAreOffUnlessConfigured() throws Exception {
        assertThat(AgentConfigLoader.load(write(SEED), Map.of()).api().allowPrivilegedSourcePorts()).isFalse();
        assertThat(AgentConfigLoader.load(write(SEED + "api:\n  allow_privileged_source_ports: true\n"), Map.of()).api()
                .allowPrivilegedSourcePorts()).isTrue();
        assertThat(AgentConfigLoader.load(write(SEED), Map.of("AAMI_API_ALLOW_PRIVILEGED_SOURCE_PORTS", "true")).api()
                .allowPrivilegedSourcePorts()).isTrue();
        assertThatThrownBy(() -> AgentConfigLoader.load(write(SEED), Map.of("AAMI_API_ALLOW_PRIVILEGED_SOURCE_PORTS", "80")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.allow_privileged_source_ports");
    }
}
