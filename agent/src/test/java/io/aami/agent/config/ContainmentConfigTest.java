package io.aami.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code checks.containment}: auto by default, cgroup or rlimit when set, nothing else; and {@code checks.run_helper}. */
class ContainmentConfigTest {
    private static AgentConfig load(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_SERVER_ADDRESS", "127.0.0.1:8443",
                "AAMI_SERVER_TLS_ENABLED", "false"));
        env.putAll(extra);
        return AgentConfigLoader.load(null, env);
    }

    @Test
    void autoByDefaultAndEitherModeWhenSet() {
        assertThat(load(Map.of()).checks().containment()).isEqualTo("auto");
        assertThat(load(Map.of("AAMI_CHECKS_CONTAINMENT", "cgroup")).checks().containment()).isEqualTo("cgroup");
        assertThat(load(Map.of("AAMI_CHECKS_CONTAINMENT", "rlimit")).checks().containment()).isEqualTo("rlimit");
    }

    @Test
    void theRunHelperIsThePackagesPathByDefaultAndOffTurnsItOff() {
        assertThat(load(Map.of()).checks().runHelper()).hasToString("/usr/libexec/aami/aami-run");
        assertThat(load(Map.of("AAMI_CHECKS_RUN_HELPER", "off")).checks().runHelper()).isNull();
        assertThat(load(Map.of("AAMI_CHECKS_RUN_HELPER", "/opt/x/../aami-run")).checks().runHelper())
                .hasToString("/opt/aami-run");
    }

    @Test
    void anotherValueIsAStartupErrorNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of("AAMI_CHECKS_CONTAINMENT", "none")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("checks.containment");
    }
}
