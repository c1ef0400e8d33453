package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An address that keeps sending invalid tokens is refused (429) before any lookup once past its burst; the
 * admin and monitoring tokens, compared in memory, still work from it.
 */
class InvalidTokenLimitTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_RATE_LIMITS_INVALID_TOKEN_PER_SECOND", "1",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_BURST", "3"));
    static final Api api = server.api();

    @Test
    void guessingIsCutOffAfterTheBurst() {
        String guess = "aami_u_" + UUID.randomUUID().toString().replace("-", "") + "_" + "g".repeat(43);
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/api/v1/groups", guess).status()).isEqualTo(401);
        }
        Api.Reply limited = api.get("/api/v1/groups", guess);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(limited.header("Retry-After")).isPresent();
        assertThat(api.get("/api/v1/groups", ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sd/prometheus", MONITORING).status()).isEqualTo(200);
    }
}
