package io.aami.server.policy;

import static io.aami.server.testing.Fixtures.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.ChangeFeed;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The change feed's LISTEN connection is cut by the database ({@code pg_terminate_backend}) and cannot come back
 * (the database refuses new connections; the pool keeps those it holds): a policy change made meanwhile still
 * answers the waiting long poll within seconds, by the feed's periodic re-check, not at the poll's deadline; and
 * once the feed listens again a change wakes polls as before.
 */
@Tag("reliability")
class ChangeFeedOutageTest {
    @Test
    void aLongPollIsAnsweredWhileTheFeedIsDownAndAfterItReconnects() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            Api api = server.api();
            String g = Fixtures.group(api, "outage");
            EnrolledAgent a = Fixtures.enroll(api, "o-1", g);
            long v = PolicyPullTest.pull(api, a, null, null).json().get("version").asLong();
            String name = database(server);
            try {
                admin(server, "ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
                admin(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND application_name = '" + ChangeFeed.APPLICATION_NAME + "'");
                Thread.sleep(500);
                CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(
                        () -> PolicyPullTest.pull(api, a, "\"" + v + "\"", "30s"));
                Thread.sleep(500);
                assertThat(waiting).isNotDone();
                long changedAt = System.nanoTime();
                Fixtures.createCheck(api, check("while-down", "true", 10, Map.of("group_id", g)));
                Api.Reply woke = waiting.get(15, TimeUnit.SECONDS);
                assertThat(woke.status()).isEqualTo(200);
                assertThat(woke.json().get("version").asLong()).isGreaterThan(v);
                assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).as("answered by a re-check, not the deadline")
                        .isLessThan(ChangeFeed.RECHECK.multipliedBy(3));
            } finally {
                admin(server, "ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
            }
            // Back: the feed reconnects and a change wakes a poll within a second again.
            Thread.sleep(ChangeFeed.RECHECK.toMillis() + 500);
            long v2 = PolicyPullTest.pull(api, a, null, null).json().get("version").asLong();
            CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(
                    () -> PolicyPullTest.pull(api, a, "\"" + v2 + "\"", "30s"));
            Thread.sleep(500);
            long changedAt = System.nanoTime();
            Fixtures.createCheck(api, check("after", "true", 10, Map.of("group_id", g)));
            assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(2));
        }
    }

    static String database(TestServer server) {
        String url = server.database().url();
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        return base.substring(base.lastIndexOf('/') + 1);
    }

    /** A statement run from the cluster's postgres database, as an administrator would. */
    static void admin(TestServer server, String sql) throws Exception {
        String url = server.database().url().replace("/" + database(server), "/postgres");
        try (Connection c = DriverManager.getConnection(url, server.database().user(), server.database().password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
