package io.aami.server.policy;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.Fixtures.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.RunningServer;
import io.aami.server.ServerMain;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.ChangeFeed;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The database restarts under a parked long poll (not only the LISTEN connection dropping, as in
 * {@link ChangeFeedOutageTest}): the server's own embedded PostgreSQL is killed with {@code kill -9} of its postmaster
 * and the server's supervisor starts it again. A policy change made once it is back reaches the agent whose poll was
 * parked across the restart (the poll itself, or its re-poll after a 503), and the change feed listens again: a change
 * wakes a parked poll well within {@link ChangeFeed#RECHECK}, which only a notice does (policy changes are not
 * delivered locally), and the feed's session is back in {@code pg_stat_activity}.
 */
@Tag("reliability-long") // a fresh embedded cluster, its migrations and a postmaster restart: 40-75 s on a loaded machine
class ChangeFeedDatabaseRestartTest {
    private static final Duration NOTICE_BOUND = Duration.ofSeconds(2);

    @Test
    void aPollParkedAcrossADatabaseRestartGetsTheNextChangeAndTheFeedListensAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("aami-pg-restart");
        Map<String, String> env = Map.of("AAMI_DATA_DIR", dataDir.toString(), "AAMI_LISTEN", "127.0.0.1:0", "AAMI_TLS", "off",
                "AAMI_ADMIN_TOKEN", TestServer.ADMIN);
        try (RunningServer server = ServerMain.start(ServerConfigLoader.load(null, env), Clock.systemUTC())) {
            Api api = new Api("http://127.0.0.1:" + server.port());
            String g = Fixtures.group(api, "restart");
            EnrolledAgent a = Fixtures.enroll(api, "r-1", g);
            long v = PolicyPullTest.pull(api, a, null, null).json().get("version").asLong();
            CompletableFuture<Long> parked = CompletableFuture.supplyAsync(() -> pollPast(api, a, v));
            Thread.sleep(500);
            assertThat(parked).isNotDone();

            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
            long killedAt = System.nanoTime();
            eventually(Duration.ofSeconds(60), "the server's database back", () -> ready(api));
            eventually(Duration.ofSeconds(30), "a write works again",
                    () -> api.post("/api/v1/groups", Map.of("name", "after-" + System.nanoTime()), TestServer.ADMIN).status() == 201);
            long backAt = System.nanoTime();
            eventually(Duration.ofSeconds(30), "the change feed's session back", () -> feedSessions(server) == 1);

            long changedAt = System.nanoTime();
            Fixtures.createCheck(api, check("after-restart", "true", 10, Map.of("group_id", g)));
            long got = parked.get(30, TimeUnit.SECONDS);
            Duration parkedAnswer = Duration.ofNanos(System.nanoTime() - changedAt);
            assertThat(got).as("the poll parked across the restart gets the new bundle").isGreaterThan(v);

            // The notice path, not the re-check: three more changes each wake a poll parked on the previous version.
            Duration slowest = Duration.ZERO;
            long current = got;
            for (int i = 0; i < 3; i++) {
                long from = current;
                CompletableFuture<Long> next = CompletableFuture.supplyAsync(() -> pollPast(api, a, from));
                Thread.sleep(500);
                long at = System.nanoTime();
                Fixtures.createCheck(api, check("notice-" + i, "true", 10, Map.of("group_id", g)));
                current = next.get(30, TimeUnit.SECONDS);
                Duration took = Duration.ofNanos(System.nanoTime() - at);
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
            }
            System.out.printf("RELIABILITY database restart under a parked poll: back after %d ms, parked poll answered %d ms"
                    + " after the change, notices answered within %d ms (re-check every %d ms)%n",
                    (backAt - killedAt) / 1_000_000, parkedAnswer.toMillis(), slowest.toMillis(), ChangeFeed.RECHECK.toMillis());
            assertThat(parkedAnswer).as("answered once the change is made, not at the poll's deadline").isLessThan(Duration.ofSeconds(10));
            assertThat(slowest).as("a notice wakes the poll, not the re-check").isLessThan(NOTICE_BOUND);
        }
    }

    /**
     * Long-polls past {@code version} as an agent does: a 503 (the database restarting) or a 304 (the deadline) is
     * followed by another poll. Returns the new version.
     */
    private static long pollPast(Api api, EnrolledAgent a, long version) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Api.Reply r = PolicyPullTest.pull(api, a, "\"" + version + "\"", "30s");
            if (r.status() == 200 && r.json().get("version").asLong() > version) {
                return r.json().get("version").asLong();
            }
            if (r.status() != 304) {
                pause();
            }
        }
        throw new AssertionError("no new version past " + version);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean ready(Api api) {
        Api.Reply r = api.get("/ready", null);
        return r.status() == 200 && r.json().get("database").asText().equals("up");
    }

    /** The change feed's sessions on the (restarted) database. */
    private static int feedSessions(RunningServer server) {
        try (Connection c = server.database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                     + ChangeFeed.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
