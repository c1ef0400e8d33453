package io.aami.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A document put together from content serialized once is, byte for byte, the wire mapper's document of the bundle. */
class BundleJsonTest {
    private static final ObjectMapper MAPPER = WireJson.mapper();

    @Test
    void theSplicedDocumentIsTheMappersOwn() throws Exception {
        List<CheckSpec> checks = List.of(
                new CheckSpec(UUID.randomUUID(), "disk \"root\" é ✓", "sh", "echo 'a\\b'\n\tprintf \"%s\" \u0001", "ab".repeat(32),
                        List.of("-c", "x y"), Map.of("LANG", "C.UTF-8", "Z", ""), 60, 10, Map.of("team", "ops</script>")),
                new CheckSpec(UUID.randomUUID(), "n", "python3", "", null, null, null, 1, 1, Map.of()));
        List<ProbeSpec> probes = List.of(new ProbeSpec(UUID.randomUUID(), null, "p", null, null, "10.0.0.1", 443, "tcp", 500, 30,
                null, "\u2028", true, Map.of("k", "v")));
        Instant at = Instant.parse("2026-12-01T16:00:00.123456789Z");
        for (PolicyBundle b : List.of(
                new PolicyBundle(42, UUID.randomUUID(), at, at.plusSeconds(86_400), checks, probes, "0123456789abcdef", "c2ln+/=="),
                new PolicyBundle(1, UUID.randomUUID(), at, at, List.of(), List.of(), null, null))) {
            byte[] content = BundleJson.content(MAPPER, b.checks(), b.probes());
            assertThat(new String(BundleJson.document(MAPPER, b, content), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(MAPPER.writeValueAsString(b));
        }
    }
}
