package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token's last use is written behind: no UPDATE per request, and what was noted is written at the latest on shutdown. */
class TokenLastUseTest {
    @Test
    void lastUseIsWrittenBehindNotPerRequest() {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        String userId;
        String tokenPath;
        try (TestServer s = TestServer.start(Map.of(), db, Clock.tickMillis(ZoneOffset.UTC))) {
            Api api = s.api();
            userId = api.post("/api/v1/users", Map.of("name", "script", "role", "viewer", "password", "correct horse battery"), ADMIN)
                    .json().get("id").asText();
            tokenPath = "/api/v1/users/" + userId + "/tokens";
            String token = Fixtures.userToken(api, "script", Map.of("name", "cron"));
            for (int i = 0; i < 20; i++) {
                assertThat(api.get("/api/v1/groups", token).status()).isEqualTo(200);
            }
            assertThat(api.get(tokenPath, ADMIN).json().get(0).get("last_used_at").isNull())
                    .as("not written on each request").isTrue();
        }
        try (TestServer s = TestServer.start(Map.of(), db, Clock.tickMillis(ZoneOffset.UTC))) {
            assertThat(s.api().get(tokenPath, ADMIN).json().get(0).get("last_used_at").isNull())
                    .as("written when the first server stopped").isFalse();
        }
    }
}
