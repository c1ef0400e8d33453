package io.aami.server.checkresults;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exactly-once ingest, latest state with staleness, history, and partition retention. */
class CheckResultIngestTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Map<String, Object> result(long seq, String checkId, String status, Instant at) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "check_id", checkId, "status", status, "exit_code",
                List.of("ok", "warning", "critical").indexOf(status), "output", "out " + seq + "\ttab\\slash\nline",
                "truncated", false, "timed_out", false, "duration_ms", 12, "executed_at", at.toString()));
        return r;
    }

    static Api.Reply post(EnrolledAgent a, List<Map<String, Object>> results) {
        return api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", results), a.token());
    }

    static List<Map<String, Object>> batch(String checkId, long from, long to) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(result(s, checkId, "ok", clock.instant().minusSeconds(to - s)));
        }
        return out;
    }

    long stored(UUID target) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT seq) FROM check_results WHERE target_id = '" + target + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no seq stored twice").isEqualTo(rs.getLong(2));
            return rs.getLong(1);
        }
    }

    @Test
    void aBatchPostedTwiceIsStoredOnceAndOverlapsAreSplit() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "twice", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        JsonNode ack = post(a, batch(check, 1, 50)).json();
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(50);
        assertThat(ack.get("accepted").asInt()).isEqualTo(50);
        JsonNode again = post(a, batch(check, 1, 50)).json();
        assertThat(again.get("acked_seq").asLong()).isEqualTo(50);
        assertThat(again.get("accepted").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(50);
        JsonNode overlap = post(a, batch(check, 41, 60)).json();
        assertThat(overlap.get("accepted").asInt()).isEqualTo(10);
        assertThat(overlap.get("duplicates").asInt()).isEqualTo(10);
        assertThat(stored(a.id())).isEqualTo(60);
    }

    @Test
    void aGapIsCountedButAccepted() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "gap", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        post(a, batch(check, 1, 5));
        JsonNode ack = post(a, batch(check, 11, 12)).json();
        assertThat(ack.get("gap").asLong()).isEqualTo(5);
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(12);
        assertThat(stored(a.id())).isEqualTo(7);
        assertThat(api.get("/metrics", null).body()).containsPattern("aami_results_seq_gap_total\\{stream=\"checks\"\\} [1-9]");
    }

    @Test
    void malformedBatchesAre400AndStoreNothing() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "malformed", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        List<Map<String, Object>> badStatus = batch(check, 1, 3);
        badStatus.get(2).put("status", "fine");
        assertRejected(post(a, badStatus), "results[2].status");
        List<Map<String, Object>> unordered = batch(check, 1, 3);
        unordered.get(1).put("seq", 7);
        assertRejected(post(a, unordered), "results[2].seq");
        List<Map<String, Object>> noTime = batch(check, 1, 2);
        noTime.get(0).remove("executed_at");
        assertRejected(post(a, noTime), "results[0].executed_at");
        assertRejected(post(a, List.of()), "results");
        assertThat(api.post("/api/v1/agents/" + a.id() + "/check-results", "{\"results\": [{\"seq\": \"x\"}]}", a.token()).status())
                .isEqualTo(400);
        assertThat(stored(a.id())).isZero();
        assertThat(post(a, batch(check, 1, 3)).json().get("accepted").asInt()).isEqualTo(3);
    }

    @Test
    void latestStateHistoryAndStaleness() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "state", null);
        String fast = Fixtures.createCheck(api, check("fast", "true", 10, Map.of("target_id", a.id().toString())));
        Fixtures.createCheck(api, check("never", "true", 10, Map.of("target_id", a.id().toString())));
        String other = Fixtures.createCheck(api, check("other", "true", 10, Map.of("target_id", a.id().toString())));
        List<Map<String, Object>> results = new ArrayList<>();
        results.add(result(1, fast, "ok", clock.instant().minusSeconds(20)));
        results.add(result(2, fast, "critical", clock.instant().minusSeconds(10)));
        results.add(result(3, other, "ok", clock.instant()));
        post(a, results);

        JsonNode states = api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json();
        JsonNode f = null;
        for (JsonNode s : states) {
            if (s.get("name").asText().equals("fast")) {
                f = s;
            } else if (s.get("name").asText().equals("never")) {
                assertThat(s.get("stale").asBoolean()).isTrue();
                assertThat(s.get("status").isNull()).isTrue();
            }
        }
        assertThat(f.get("status").asText()).isEqualTo("critical");
        assertThat(f.get("seq").asLong()).isEqualTo(2);
        assertThat(f.get("output").asText()).isEqualTo("out 2\ttab\\slash\nline");
        assertThat(f.get("stale").asBoolean()).isFalse();

        JsonNode page1 = api.get("/api/v1/targets/" + a.id() + "/check-results?check_id=" + fast + "&limit=1", ADMIN).json();
        assertThat(page1.get(0).get("seq").asLong()).isEqualTo(2);
        Api.Reply first = api.get("/api/v1/targets/" + a.id() + "/check-results?limit=2", ADMIN);
        assertThat(first.json().findValuesAsText("seq")).containsExactly("3", "2");
        String cont = first.header("Aami-Continue").orElseThrow();
        JsonNode rest = api.get("/api/v1/targets/" + a.id() + "/check-results?limit=2&continue=" + cont, ADMIN).json();
        assertThat(rest.findValuesAsText("seq")).containsExactly("1");
        String since = clock.instant().minusSeconds(15).toString();
        assertThat(api.get("/api/v1/targets/" + a.id() + "/check-results?since=" + since, ADMIN).json().size()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2 * 10 + 5 + 1));
        JsonNode later = api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json();
        assertThat(later.findValuesAsText("stale")).containsOnly("true");
    }

    @Test
    void retentionDropsWholePartitionsAndPartitionsExistAhead() throws Exception {
        MutableClock own = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_RESULTS_RETENTION", "2d"), TestDatabase.fresh(), own)) {
            EnrolledAgent a = Fixtures.enroll(s.api(), "old", null);
            String check = Fixtures.createCheck(s.api(), check("c", "true", 10, Map.of("target_id", a.id().toString())));
            s.api().post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(result(1, check, "ok", own.instant()))), a.token());
            String today = "check_results_p" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").format(own.instant().atZone(java.time.ZoneOffset.UTC));
            assertThat(partitions(s)).contains(today).hasSizeGreaterThanOrEqualTo(4);
            own.advance(Duration.ofDays(4));
            assertThat(s.running().maintainPartitions()).contains(today);
            assertThat(partitions(s)).doesNotContain(today);
            assertThat(s.api().get("/api/v1/targets/" + a.id() + "/check-results", ADMIN).json().size()).isZero();
            JsonNode stillLatest = s.api().get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json();
            assertThat(stillLatest.get(0).get("seq").asLong()).isEqualTo(1);
        }
    }

    static List<String> partitions(TestServer s) throws Exception {
        var db = s.database();
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                     + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'check_results'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void assertRejected(Api.Reply r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }
}
