package io.aami.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.json.WireJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link AuditJson} keeps of a state (pure logic). */
class AuditJsonTest {
    private final AuditJson json = new AuditJson(WireJson.mapper());

    @Test
    void aLabelNamedLikeASecretIsDataAndStaysSoItsChangeShows() {
        String stored = json.write(Map.of("name", "web", "token", "s3cret", "labels", Map.of("token", "blue", "key", "k1"),
                "items", List.of(Map.of("password", "p", "labels", Map.of("secret", "x")))));
        assertThat(stored).contains("\"labels\":{").contains("\"token\":\"blue\"").contains("\"key\":\"k1\"")
                .contains("\"secret\":\"x\"").doesNotContain("s3cret").doesNotContain("\"password\"");
    }
}
