package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every {@link SandboxTest} again, runs started by {@code aami-run} instead of setsid, sh, setpriv and env. */
class SandboxWithRunHelperTest extends SandboxTest {
    @Override
    ScriptExecutorBuilder builder() {
        return super.builder().runHelper(RunHelpers.built());
    }

    @Test
    void theRunsReallyGoThroughTheHelper() throws Exception {
        Sandbox sandbox = Sandbox.create("nobody", ScriptLimits.DEFAULTS, "auto", RunHelpers.built());
        assertThat(sandbox.toString()).contains("by " + RunHelpers.built());
        assertThat(sandbox.command(null, 5, java.nio.file.Path.of("/bin/sh"), java.nio.file.Path.of("/s.sh"),
                java.util.List.of(), java.util.Map.of()).get(0)).isEqualTo(RunHelpers.built().toString());
    }
}
