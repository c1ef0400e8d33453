package io.aami.server.results;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.ServerPerClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Issue 16 point 5: an agent whose spool started over (seq back at 1) in a new stream epoch has its
 * results stored, not acknowledged as duplicates of the old numbering; the reset is logged and counted.
 */
class StreamEpochIngestTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"));
    static final Api api = server.api();

    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger resetLogger = (Logger) LoggerFactory.getLogger(StreamResets.class);

    @BeforeEach
    void captureLog() {
        log.start();
        resetLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        resetLogger.detachAppender(log);
    }

    static List<Map<String, Object>> batch(String checkId, long from, long to, String status) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(new HashMap<>(Map.of("seq", s, "check_id", checkId, "status", status, "output", "seq " + s,
                    "truncated", false, "timed_out", false, "duration_ms", 1, "executed_at", Instant.now().toString())));
        }
        return out;
    }

    static Api.Reply post(EnrolledAgent a, String epoch, List<Map<String, Object>> results) {
        Map<String, Object> body = new HashMap<>(Map.of("results", results));
        if (epoch != null) {
            body.put("stream_epoch", epoch);
        }
        return api.post("/api/v1/agents/" + a.id() + "/check-results", body, a.token());
    }

    static String epoch() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aSpoolThatStartedOverInANewEpochIsStoredLoggedAndCounted() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "reset", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        String before = epoch();
        String after = epoch();
        assertThat(post(a, before, batch(check, 1, 25, "ok")).json().get("accepted").asInt()).isEqualTo(25);
        double resets = resets("checks");

        JsonNode ack = post(a, after, batch(check, 1, 25, "critical")).json();
        assertThat(ack.get("accepted").asInt()).as("the new numbering is stored, not taken for duplicates").isEqualTo(25);
        assertThat(ack.get("duplicates").asInt()).isZero();
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(25);
        assertThat(ack.get("gap").asLong()).isZero();
        assertThat(stored(a.id(), "check_results")).isEqualTo(50);
        assertThat(distinctEpochSeqs(a.id(), "check_results")).as("no (epoch, seq) stored twice").isEqualTo(50);
        assertThat(resets("checks")).isEqualTo(resets + 1);
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains(a.id().toString(), "checks", "epoch " + after, "replaces epoch " + before, "stored up to seq 25"));

        JsonNode latest = api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0);
        assertThat(latest.get("status").asText()).as("the latest state follows the new epoch despite its lower seq")
                .isEqualTo("critical");
        assertThat(latest.get("seq").asLong()).isEqualTo(25);
        assertThat(latest.get("output").asText()).isEqualTo("seq 25");
    }

    @Test
    void aReplayWithinAnEpochStaysDuplicateAndALateRetryOfTheOldEpochIsNoReset() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "replay", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        String first = epoch();
        String second = epoch();
        post(a, first, batch(check, 1, 25, "ok"));
        post(a, second, batch(check, 1, 10, "ok"));
        double resets = resets("checks");
        log.list.clear();

        JsonNode again = post(a, second, batch(check, 1, 10, "warning")).json();
        assertThat(again.get("accepted").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(10);
        JsonNode late = post(a, first, batch(check, 20, 25, "warning")).json();
        assertThat(late.get("duplicates").asInt()).as("the old epoch's cursor is kept").isEqualTo(6);
        assertThat(late.get("acked_seq").asLong()).isEqualTo(25);
        assertThat(stored(a.id(), "check_results")).isEqualTo(35);
        assertThat(resets("checks")).isEqualTo(resets);
        assertThat(warnings()).isEmpty();
        assertThat(api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void anAgentWithoutEpochsKeepsTodaysBehaviourAndItsFirstEpochIsNoReset() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "legacy", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        assertThat(post(a, null, batch(check, 1, 5, "ok")).json().get("accepted").asInt()).isEqualTo(5);
        JsonNode replay = post(a, null, batch(check, 1, 5, "ok")).json();
        assertThat(replay.get("duplicates").asInt()).as("no epoch: one default stream, deduplicated as before").isEqualTo(5);
        double resets = resets("checks");

        assertThat(post(a, epoch(), batch(check, 6, 8, "ok")).json().get("accepted").asInt()).isEqualTo(3);
        assertThat(resets("checks")).as("an upgraded agent's first epoch").isEqualTo(resets);
        assertThat(warnings()).isEmpty();
        assertThat(log.list).singleElement().satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void postingHighSeqsInAnotherEpochCannotMakeTheAgentsResultsDuplicates() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "victim", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        String real = epoch();
        post(a, real, batch(check, 1, 5, "ok"));
        // Someone holding the agent's credential but not its spool: no epoch, or a made-up one.
        post(a, null, batch(check, 1_000_000, 1_000_000, "ok"));
        post(a, epoch(), batch(check, 1_000_000, 1_000_000, "ok"));
        JsonNode ack = post(a, real, batch(check, 6, 10, "ok")).json();
        assertThat(ack.get("accepted").asInt()).isEqualTo(5);
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(10);
        assertThat(warnings()).as("both foreign numberings are visible").hasSize(2);
    }

    @Test
    void probeResultsHaveEpochsToo() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "prober", null);
        String path = "/api/v1/agents/" + a.id() + "/probe-results";
        double resets = resets("probes");
        List<Map<String, Object>> reports = new ArrayList<>();
        for (long s = 1; s <= 25; s++) {
            reports.add(Map.of("seq", s, "probe_id", UUID.randomUUID().toString(), "target", "127.0.0.1", "target_port", 443,
                    "protocol", "TCP", "success", true, "reason", "ok", "total_ms", 1.5, "executed_at", Instant.now().toString()));
        }
        assertThat(api.post(path, Map.of("stream_epoch", epoch(), "results", reports), a.token()).json().get("accepted").asInt())
                .isEqualTo(25);
        String reset = epoch();
        assertThat(api.post(path, Map.of("stream_epoch", reset, "results", reports), a.token()).json().get("accepted").asInt())
                .isEqualTo(25);
        assertThat(api.post(path, Map.of("stream_epoch", reset, "results", reports), a.token()).json().get("duplicates").asInt())
                .isEqualTo(25);
        assertThat(stored(a.id(), "probe_results")).isEqualTo(50);
        assertThat(resets("probes")).isEqualTo(resets + 1);
        Api.Reply bad = api.post(path, Map.of("stream_epoch", "nope", "results", reports), a.token());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("stream_epoch");
    }

    @Test
    void aMalformedEpochIs400NamingTheFieldAndStoresNothing() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "strict", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        String good = epoch();
        List<Object> bad = List.of(good.toUpperCase(), "{" + good + "}", good + "0", good.substring(1), good.replace("-", ""),
                good.replace('-', '_'), "00000000-0000-0000-0000-000000000000", "", " " + good.substring(1), good + "\n",
                good.substring(0, 35) + "\0", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "x".repeat(10_000), 12345, true);
        for (Object epoch : bad) {
            Map<String, Object> body = new HashMap<>(Map.of("stream_epoch", epoch, "results", batch(check, 1, 3, "ok")));
            Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", body, a.token());
            assertThat(r.status()).as("%s: %s", epoch, r).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("stream_epoch");
        }
        for (String structured : List.of("{}", "[]")) {
            String body = "{\"stream_epoch\": " + structured + ", \"results\": []}";
            Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", body, a.token());
            assertThat(r.status()).as(structured).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("stream_epoch");
        }
        assertThat(stored(a.id(), "check_results")).isZero();
        assertThat(cursors(a.id())).isZero();
        assertThat(post(a, good, batch(check, 1, 3, "ok")).json().get("accepted").asInt()).isEqualTo(3);
    }

    @Test
    void oldEpochsCursorsAreBoundedPerAgentAndStream() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "churn", null);
        String check = Fixtures.createCheck(api, check("c", "true", 10, Map.of("target_id", a.id().toString())));
        String current = null;
        for (int i = 0; i < StreamCursors.KEPT_EPOCHS + 5; i++) {
            current = epoch();
            post(a, current, batch(check, 1, 2, "ok"));
        }
        assertThat(cursors(a.id())).isEqualTo(StreamCursors.KEPT_EPOCHS);
        assertThat(post(a, current, batch(check, 1, 2, "ok")).json().get("duplicates").asInt())
                .as("the newest epoch's cursor is kept").isEqualTo(2);
    }

    List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    static double resets(String stream) {
        Matcher m = Pattern.compile("(?m)^aami_results_stream_resets_total\\{stream=\"" + stream + "\"} (\\S+)$")
                .matcher(api.get("/metrics", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static long stored(UUID target, String table) throws Exception {
        return count("SELECT count(*) FROM " + table + " WHERE target_id = '" + target + "'");
    }

    static long distinctEpochSeqs(UUID target, String table) throws Exception {
        return count("SELECT count(DISTINCT (epoch, seq)) FROM " + table + " WHERE target_id = '" + target + "'");
    }

    static long cursors(UUID target) throws Exception {
        return count("SELECT count(*) FROM result_cursors WHERE target_id = '" + target + "' AND stream = 'checks'");
    }

    static long count(String sql) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
