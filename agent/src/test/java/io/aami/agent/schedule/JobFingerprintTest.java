package io.aami.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class JobFingerprintTest {
    private static final Function<String, byte[]> UTF8 = s -> s.getBytes(StandardCharsets.UTF_8);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static String of(Duration interval, String seed, String spec) {
        return JobFingerprint.of(new JobDefinition<>(interval, seed, spec), UTF8);
    }

    @Test
    void equalDefinitionsAgreeAndAnyDifferenceTheSchedulerSeesChangesIt() {
        String fp = of(MINUTE, "agent-1/check", "spec");
        assertThat(of(MINUTE, new String("agent-1/check"), new String("spec"))).isEqualTo(fp);
        assertThat(fp).hasSize(JobFingerprint.HEX_CHARS).matches("[0-9a-f]+");
        assertThat(of(Duration.ofMinutes(2), "agent-1/check", "spec")).isNotEqualTo(fp);
        assertThat(of(MINUTE, "agent-2/check", "spec")).isNotEqualTo(fp);
        assertThat(of(MINUTE, "agent-1/check", "spec2")).isNotEqualTo(fp);
        // Seed and spec do not run together: moving a character from one to the other is a change.
        assertThat(of(MINUTE, "agent-1/checks", "pec")).isNotEqualTo(fp);
    }

    @Test
    void theFingerprintIsTheSameInEveryBuildSoAnUpgradeDoesNotMakeEveryJobNew() {
        // Pinned (and recomputed outside Java: the first 16 bytes of SHA-256 over the domain line, interval,
        // seed and spec lengths as big-endian longs, seed, spec): changing the layout would run every check
        // on every host at once after the upgrade.
        assertThat(of(MINUTE, "agent-1/check", "spec")).isEqualTo("b79c4792ea450012fa2d4013a4ab2c0c");
    }
}
