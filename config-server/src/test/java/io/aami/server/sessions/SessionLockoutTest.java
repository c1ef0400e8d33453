package io.aami.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Garbage session cookies from an address (behind a proxy or NAT: everyone's) are limited, but do not lock out the
 * valid sessions at that address. Its own server: the flood spends the address's invalid-credential budget.
 */
class SessionLockoutTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_RATE_LIMITS_INVALID_TOKEN_BURST", "5",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_PER_SECOND", "1"), clock);
    static final Api api = server.api();

    @Test
    void garbageCookiesAreLimitedButDoNotLockOutValidSessions() {
        String name = "vera-lockout";
        Fixtures.user(api, name, "viewer");
        Api.Reply r = api.post("/api/v1/login/session", Map.of("user", name, "password", Fixtures.PASSWORD), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        Matcher m = SessionApiTest.COOKIE.matcher(r.header("Set-Cookie").orElseThrow());
        assertThat(m.matches()).isTrue();
        String valid = "aami_session=" + m.group(1);

        int limited = 0;
        for (int i = 0; i < 20; i++) {
            String garbage = "aami_session=" + String.format("%040d", i);
            int status = api.send("GET", "/api/v1/me", null, null, "Cookie", garbage).status();
            assertThat(status).isIn(401, 429);
            limited += status == 429 ? 1 : 0;
        }
        assertThat(limited).as("the garbage is limited").isGreaterThan(0);
        Api.Reply me = api.send("GET", "/api/v1/me", null, null, "Cookie", valid);
        assertThat(me.status()).as("a valid session at the flooded address: " + me).isEqualTo(200);
    }
}
