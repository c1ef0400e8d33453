package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.error.ApiException;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the invalid-token limit costs whom, counted at the lookup itself (the {@link UserAuthentication} below
 * answers from a fixed set and counts its lookups; the users feature's own is tested against PostgreSQL in
 * {@code InvalidTokenLimitTest}): malformed bearers cost no lookup and lock nobody out; a flood of well-formed
 * unknown tokens gets no more lookups than the burst; a token valid at a recent request still works past it.
 */
class OperatorAuthenticatorTest {
    static final int BURST = 3;
    static final String VALID = "aami_u_valid";

    private final AtomicInteger lookups = new AtomicInteger();
    private final List<String> recentlyValid = new ArrayList<>();
    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        UserAuthentication users = new UserAuthentication() {
            @Override
            public boolean wellFormed(String bearer) {
                return bearer.startsWith("aami_u_");
            }

            @Override
            public synchronized boolean recentlyValid(String bearer) {
                return recentlyValid.contains(bearer);
            }

            @Override
            public Optional<Principal> authenticate(String bearer) {
                lookups.incrementAndGet();
                if (!bearer.equals(VALID)) {
                    return Optional.empty();
                }
                synchronized (this) {
                    recentlyValid.add(bearer);
                }
                return Optional.of(Principal.user(UUID.randomUUID(), "script", Role.VIEWER, UUID.randomUUID()));
            }
        };
        // One refill a day: nothing refills during the test.
        OperatorAuthenticator auth = new OperatorAuthenticator("admin-token-0123456789", "monitoring-token-0123456789", users, io.aami.server.http.SessionAuthentication.NONE,
                new RateLimiter(1.0 / 86_400, BURST, Clock.systemUTC(), 1000));
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.before("/x", ctx -> auth.require(ctx, Role.VIEWER));
            config.routes.get("/x", ctx -> ctx.result("ok"));
            config.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.code().status()).result(e.code().name()));
        });
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void junkBearersCostNoLookupAndLockNobodyOut() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(status("x")).isEqualTo(401);
        }
        assertThat(lookups).hasValue(0);
        assertThat(status(VALID)).as("a valid token after 50 junk bearers from the same address").isEqualTo(200);
    }

    @Test
    void aFloodOfUnknownTokensGetsNoMoreLookupsThanTheBurstAndRecentTokensStillWork() throws Exception {
        assertThat(status(VALID)).isEqualTo(200);
        lookups.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String guess = "aami_u_guess_" + i;
                answers.add(pool.submit(() -> status(guess)));
            }
            int limited = 0;
            for (Future<Integer> a : answers) {
                limited += a.get() == 429 ? 1 : 0;
            }
            assertThat(limited).isGreaterThanOrEqualTo(200 - BURST - 8);
        } finally {
            pool.shutdownNow();
        }
        // Concurrent requests may each pass the check before the first failure is counted: at most one per thread.
        assertThat(lookups.get()).as("lookups for 200 guesses").isLessThanOrEqualTo(BURST + 8);
        assertThat(status(VALID)).as("a recently valid token past the limit").isEqualTo(200);
        assertThat(status("aami_u_unknown")).isEqualTo(429);
        assertThat(status("admin-token-0123456789")).isEqualTo(200);
    }

    private int status(String bearer) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/x"))
                .header("Authorization", "Bearer " + bearer).build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
