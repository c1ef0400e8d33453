package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 point 5 with the real agent and server: a spool that starts over (deleted, or its epoch's
 * numbers taken by someone else) must not make the server take the agent's later results for duplicates.
 */
class SpoolResetEndToEndTest {
    static final Map<String, String> SERVER = Map.of("AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms");

    @TempDir
    Path dir;

    @Test
    void afterTheSpoolDirectoryIsDeletedEveryLaterResultIsStored() throws Exception {
        try (TestServer server = TestServer.start(SERVER)) {
            Api api = server.api();
            Fixtures.createCheck(api, Fixtures.check("tick", "echo tick", 1, Map.of("global", true)));
            AgentConfig cfg = TestAgentConfig.plainAndQuick(dir, server.port(), Fixtures.bootstrapToken(api, 1, Map.of()));
            UUID id;
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> stored(server.database(), id) >= 5);
            }
            String oldEpoch = Files.readString(cfg.spoolDir().resolve("checks").resolve("epoch")).trim();
            assertThat(cfg.credentialsFile()).exists();
            deleteTree(cfg.spoolDir());

            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                eventually(Duration.ofSeconds(30), () -> query(server.database(), "SELECT count(*) FROM check_results WHERE "
                        + "target_id = '" + id + "' AND seq = 1") == 2);
                eventually(Duration.ofSeconds(30), () -> query(server.database(), "SELECT count(*) FROM check_results WHERE "
                        + "target_id = '" + id + "' AND epoch <> '" + oldEpoch + "'") >= 5);
            }
            String newEpoch = Files.readString(cfg.spoolDir().resolve("checks").resolve("epoch")).trim();
            assertThat(newEpoch).isNotEqualTo(oldEpoch);
            long[] fresh = epochStats(server.database(), id, newEpoch);
            assertThat(fresh[0]).as("every result of the new numbering stored, 1..max without a hole").isEqualTo(fresh[1]);
            assertThat(api.get("/metrics", null).body()).contains("aami_results_stream_resets_total{stream=\"checks\"} 1.0");
        }
    }

    @Test
    void numbersPostedInTheAgentsEpochBySomeoneElseMakeTheAgentStartANewOne() throws Exception {
        try (TestServer server = TestServer.start(SERVER)) {
            Api api = server.api();
            String check = Fixtures.createCheck(api, Fixtures.check("tick", "echo tick", 1, Map.of("global", true)));
            AgentConfig cfg = TestAgentConfig.plainAndQuick(dir, server.port(), Fixtures.bootstrapToken(api, 1, Map.of()));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> stored(server.database(), id) >= 2);
                // A copy of the agent's credential and spool (a backup, an image): the same epoch, a high seq.
                String epoch = Files.readString(cfg.spoolDir().resolve("checks").resolve("epoch")).trim();
                String token = new ObjectMapper().readTree(cfg.credentialsFile().toFile()).get("agent_token").asText();
                Map<String, Object> forged = Map.of("seq", 1_000_000, "check_id", check, "status", "ok", "output", "forged",
                        "truncated", false, "timed_out", false, "duration_ms", 1, "executed_at", Instant.now().toString());
                Api.Reply r = api.post("/api/v1/agents/" + id + "/check-results",
                        Map.of("stream_epoch", epoch, "results", List.of(forged)), token);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                long afterForgery = stored(server.database(), id);

                eventually(Duration.ofSeconds(30), () -> query(server.database(), "SELECT count(*) FROM check_results WHERE "
                        + "target_id = '" + id + "' AND epoch <> '" + epoch + "'") >= 3);
                assertThat(stored(server.database(), id)).isGreaterThan(afterForgery);
                String now = Files.readString(cfg.spoolDir().resolve("checks").resolve("epoch")).trim();
                assertThat(now).isNotEqualTo(epoch);
                long[] fresh = epochStats(server.database(), id, now);
                assertThat(fresh[2]).as("the records the server called duplicates were sent again in the new epoch")
                        .isEqualTo(query(server.database(), "SELECT max(seq) FROM check_results WHERE target_id = '" + id
                                + "' AND epoch = '" + epoch + "' AND seq < 1000000") + 1);
            }
        }
    }

    static long stored(TestDatabase.Coordinates db, UUID agent) {
        return query(db, "SELECT count(*) FROM check_results WHERE target_id = '" + agent + "'");
    }

    /** rows, max seq, min seq of one epoch. */
    static long[] epochStats(TestDatabase.Coordinates db, UUID agent, String epoch) {
        return queryRow(db, "SELECT count(*), max(seq), min(seq) FROM check_results WHERE "
                + "target_id = '" + agent + "' AND epoch = '" + epoch + "'");
    }

    static long query(TestDatabase.Coordinates db, String sql) {
        try (Connection c = ChecksEndToEndTest.connect(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first row's columns as longs, from one statement (so counts taken together agree with each other). */
    static long[] queryRow(TestDatabase.Coordinates db, String sql) {
        try (Connection c = ChecksEndToEndTest.connect(db); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            long[] row = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getLong(i + 1);
            }
            return row;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.forEach(all::add);
        }
        all.sort(java.util.Comparator.reverseOrder());
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
