package io.aami.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.contract.policy.CheckSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionDigestTest {
    static final String SHA = "AB".repeat(32);

    @Test
    void layoutIsExactlyAsSpecified() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("B", "2");
        env.put("A", "q\"uote\n");
        String canonical = new String(ExecutionDigest.canonical("sh", SHA, List.of("-w", "80"), env), StandardCharsets.UTF_8);
        assertThat(canonical).isEqualTo("{\"format\":\"aami.execution.v1\",\"interpreter\":\"sh\",\"script_sha256\":\""
                + "ab".repeat(32) + "\",\"args\":[\"-w\",\"80\"],\"env\":{\"A\":\"q\\\"uote\\n\",\"B\":\"2\"}}");
        assertThat(ExecutionDigest.of("sh", SHA, List.of("-w", "80"), env))
                .isEqualTo(Pem.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
                .matches("[0-9a-f]{64}");
    }

    @Test
    void absentArgsAndEnvEqualEmptyOnesAndTheSpecFormAgrees() {
        String plain = ExecutionDigest.of("bash", SHA, null, null);
        assertThat(ExecutionDigest.of("bash", SHA.toLowerCase(), List.of(), Map.of())).isEqualTo(plain);
        CheckSpec spec = new CheckSpec(UUID.randomUUID(), "n", "bash", "x", SHA, List.of("a"), Map.of("K", "v"), 10, 5, Map.of());
        assertThat(ExecutionDigest.of(spec)).isEqualTo(ExecutionDigest.of("bash", SHA, List.of("a"), Map.of("K", "v")));
    }

    @Test
    void everyPartChangesTheDigestAndSplitsAreNotAmbiguous() {
        Set<String> digests = new HashSet<>(List.of(
                ExecutionDigest.of("sh", SHA, List.of(), Map.of()),
                ExecutionDigest.of("bash", SHA, List.of(), Map.of()),
                ExecutionDigest.of("sh", "cd".repeat(32), List.of(), Map.of()),
                ExecutionDigest.of("sh", SHA, List.of("a b"), Map.of()),
                ExecutionDigest.of("sh", SHA, List.of("a", "b"), Map.of()),
                ExecutionDigest.of("sh", SHA, List.of("b", "a"), Map.of()),
                ExecutionDigest.of("sh", SHA, List.of(""), Map.of()),
                ExecutionDigest.of("sh", SHA, List.of(), Map.of("A", "1")),
                ExecutionDigest.of("sh", SHA, List.of(), Map.of("A", "2")),
                ExecutionDigest.of("sh", SHA, List.of(), Map.of("A", "")),
                ExecutionDigest.of("sh", SHA, List.of(), Map.of("A=1", "")),
                ExecutionDigest.of("sh", SHA, List.of("A=1"), Map.of())));
        assertThat(digests).hasSize(12);
    }
}
