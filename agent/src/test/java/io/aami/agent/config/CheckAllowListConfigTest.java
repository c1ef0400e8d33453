package io.aami.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** checks.allowed_execution_sha256, checks.allowed_script_sha256 and checks.remote_scripts as the agent reads them. */
class CheckAllowListConfigTest {
    static final String A = "ab".repeat(32);
    static final String B = "CD".repeat(32);

    @TempDir
    Path dir;

    AgentConfigLoader.Loaded load(String checksYaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, AgentConfigLoaderTest.SEED.replace("checks:\n", "checks:\n" + checksYaml));
        return AgentConfigLoader.loadWithWarnings(f, env);
    }

    @Test
    void executionDigestsAreReadLowerCasedAndValidated() throws Exception {
        AgentConfig.Checks checks = load("  allowed_execution_sha256: [\"" + B + "\"]\n", Map.of()).config().checks();
        assertThat(checks.allowedExecutionSha256()).containsExactly(B.toLowerCase());
        assertThat(checks.allowedScriptSha256()).isEmpty();
        assertThat(checks.hasAllowList()).isTrue();
        assertThat(load("", Map.of("AAMI_CHECKS_ALLOWED_EXECUTION_SHA256", A + "," + B)).config().checks().allowedExecutionSha256())
                .containsExactly(A, B.toLowerCase());
        assertThatThrownBy(() -> load("  allowed_execution_sha256: [\"abc\"]\n", Map.of()))
                .hasMessageContaining("checks.allowed_execution_sha256");
        assertThat(load("", Map.of()).config().checks().hasAllowList()).isFalse();
    }

    @Test
    void remoteScriptsOffWithoutAnAllowListIsALoudWarning() throws Exception {
        AgentConfigLoader.Loaded nothingRuns = load("  remote_scripts: false\n", Map.of());
        assertThat(nothingRuns.config().checks().remoteScripts()).isFalse();
        assertThat(nothingRuns.warnings()).anySatisfy(w -> assertThat(w)
                .contains("checks.remote_scripts is false").contains("runs no checks"));

        assertThat(load("  remote_scripts: false\n  allowed_script_sha256: [\"" + A + "\"]\n", Map.of()).warnings())
                .noneMatch(w -> w.contains("remote_scripts"));
        assertThat(load("  remote_scripts: false\n  allowed_execution_sha256: [\"" + A + "\"]\n", Map.of()).warnings())
                .noneMatch(w -> w.contains("remote_scripts"));
        assertThat(load("", Map.of()).warnings()).noneMatch(w -> w.contains("remote_scripts"));
    }
}
