package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.policy.CheckSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CheckSpecsTest {
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private static CheckSpec with(List<String> args, Map<String, String> env, int interval, int timeout) {
        return new CheckSpec(ID, "n", "sh", "echo", Fixtures.sha256("echo"), args, env, interval, timeout, null);
    }

    @Test
    void absentCollectionsBecomeEmptyAndEqualSpecsStayEqual() {
        CheckSpec normalized = CheckSpecs.normalize(with(null, null, 60, 10));
        assertThat(normalized.args()).isEmpty();
        assertThat(normalized.env()).isEmpty();
        assertThat(normalized.labels()).isEmpty();
        assertThat(CheckSpecs.normalize(with(List.of(), Map.of(), 60, 10))).isEqualTo(normalized);
    }

    @Test
    void structuralFaultsNameTheCheckAndField() {
        assertThatThrownBy(() -> CheckSpecs.normalize(with(List.of(), Map.of(), 0, 10)))
                .hasMessageContaining(ID.toString()).hasMessageContaining("interval_seconds");
        assertThatThrownBy(() -> CheckSpecs.normalize(with(List.of(), Map.of(), 60, 0)))
                .hasMessageContaining("timeout_seconds");
        assertThatThrownBy(() -> CheckSpecs.normalize(with(Arrays.asList("a", null), Map.of(), 60, 10)))
                .hasMessageContaining("args[1]");
        assertThatThrownBy(() -> CheckSpecs.normalize(with(List.of("a\0b"), Map.of(), 60, 10)))
                .hasMessageContaining("args[0]");
        assertThatThrownBy(() -> CheckSpecs.normalize(with(List.of(), Map.of("A=B", "x"), 60, 10)))
                .hasMessageContaining("env").hasMessageContaining("A=B");
        assertThatThrownBy(() -> CheckSpecs.normalize(new CheckSpec(null, "disk", "sh", "x", "y", null, null, 60, 10,
                null))).hasMessageContaining("'disk'").hasMessageContaining("check_id");
        assertThatThrownBy(() -> CheckSpecs.normalize(new CheckSpec(ID, "n", null, "x", "y", null, null, 60, 10, null)))
                .hasMessageContaining("interpreter");
    }

    @Test
    void duplicateIdsAreRejected() {
        CheckSpec spec = with(List.of(), Map.of(), 60, 10);
        assertThatThrownBy(() -> CheckSpecs.normalizeAll(List.of(spec, spec)))
                .hasMessageContaining(ID.toString()).hasMessageContaining("twice");
        assertThatThrownBy(() -> CheckSpecs.normalizeAll(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
