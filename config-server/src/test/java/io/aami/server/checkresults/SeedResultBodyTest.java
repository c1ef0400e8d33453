package io.aami.server.checkresults;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.contract.results.CheckResultRules;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent design's own result body ({@code check_id} a name, no {@code seq}) on the server's ingest:
 * names resolve within the agent's policy, results without seq are stored once per (check, executed_at,
 * output), and every refusal is a 4xx naming the field with nothing of the batch stored.
 */
class SeedResultBodyTest {
    /** Exactly as the agent design (seed 002) shows it. */
    static final String SEED_BODY = "{\"results\":[{\"check_id\":\"disk-space\",\"status\":\"critical\",\"exit_code\":2,"
            + "\"output\":\"Disk usage 95%\",\"duration_ms\":150,\"executed_at\":\"2024-01-15T10:30:00Z\"}]}";

    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Api.Reply post(EnrolledAgent a, Object body) {
        return api.post("/api/v1/agents/" + a.id() + "/check-results", body, a.token());
    }

    static Map<String, Object> result(String checkId, String status, Integer exitCode, String executedAt) {
        Map<String, Object> r = new HashMap<>(Map.of("check_id", checkId, "status", status, "output", "out",
                "duration_ms", 5, "executed_at", executedAt));
        if (exitCode != null) {
            r.put("exit_code", exitCode);
        }
        return r;
    }

    static long stored(EnrolledAgent a) {
        return api.get("/api/v1/targets/" + a.id() + "/check-results?limit=1000&since=2000-01-01T00:00:00Z", ADMIN).json().size();
    }

    static EnrolledAgent agentWithDiskSpace(String host) {
        EnrolledAgent a = Fixtures.enroll(api, host, null);
        Fixtures.createCheck(api, check("disk-space", "true", 60, Map.of("target_id", a.id().toString())));
        return a;
    }

    @Test
    void theSeedsBodyIsStoredOnceAndShowsInTheApiAndMetrics() throws Exception {
        EnrolledAgent a = agentWithDiskSpace("seed-body");
        Api.Reply first = post(a, SEED_BODY);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(first.json().get("acked_seq").asLong()).isZero();
        JsonNode again = post(a, SEED_BODY).json();
        assertThat(again.get("accepted").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);
        assertThat(stored(a)).isEqualTo(1);

        JsonNode history = api.get("/api/v1/targets/" + a.id() + "/check-results?since=2024-01-01T00:00:00Z", ADMIN).json();
        assertThat(history.get(0).get("status").asText()).isEqualTo("critical");
        assertThat(history.get(0).get("output").asText()).isEqualTo("Disk usage 95%");
        assertThat(history.get(0).get("executed_at").asText()).isEqualTo("2024-01-15T10:30:00Z");
        JsonNode latest = api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0);
        assertThat(latest.get("name").asText()).isEqualTo("disk-space");
        assertThat(latest.get("status").asText()).isEqualTo("critical");
        assertThat(api.get("/metrics", null).body()).containsPattern("aami_check_status\\{agent_id=\"" + a.id()
                + "\",check=\"disk-space\"[^}]*} 2");
    }

    @Test
    void theSameOutputAtAnotherTimeOrAnotherOutputAtTheSameTimeIsANewResult() {
        EnrolledAgent a = agentWithDiskSpace("dedup-key");
        String at = clock.instant().minusSeconds(30).toString();
        Map<String, Object> one = result("disk-space", "ok", 0, at);
        Map<String, Object> otherOutput = new HashMap<>(one);
        otherOutput.put("output", "different");
        Map<String, Object> otherTime = result("disk-space", "ok", 0, clock.instant().minusSeconds(20).toString());
        JsonNode ack = post(a, Map.of("results", List.of(one, one, otherOutput, otherTime))).json();
        assertThat(ack.get("accepted").asInt()).as("the same key twice in one batch is stored once").isEqualTo(3);
        assertThat(ack.get("duplicates").asInt()).isEqualTo(1);
        assertThat(stored(a)).isEqualTo(3);
    }

    @Test
    void theSameResultPostedConcurrentlyIsStoredOnce() throws Exception {
        EnrolledAgent a = agentWithDiskSpace("concurrent");
        Map<String, Object> body = Map.of("results", List.of(result("disk-space", "warning", 1, clock.instant().toString())));
        List<java.util.concurrent.Future<Api.Reply>> replies = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                replies.add(pool.submit(() -> post(a, body)));
            }
            int accepted = 0;
            for (var f : replies) {
                Api.Reply r = f.get();
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                accepted += r.json().get("accepted").asInt();
            }
            assertThat(accepted).as("one post stored it, the others met its key").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored(a)).isEqualTo(1);
    }

    @Test
    void sequencedResultsMayNameTheirCheckToo() {
        EnrolledAgent a = agentWithDiskSpace("named-seq");
        Map<String, Object> r = result("disk-space", "warning", 1, clock.instant().toString());
        r.put("seq", 1);
        JsonNode ack = post(a, Map.of("results", List.of(r))).json();
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(1);
        assertThat(post(a, Map.of("results", List.of(r))).json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0).get("status").asText()).isEqualTo("warning");
    }

    @Test
    void aNameOutsideTheAgentsPolicyIs404NamingItAndStoresNothing() {
        EnrolledAgent a = agentWithDiskSpace("unknown-name");
        EnrolledAgent other = Fixtures.enroll(api, "other-host", null);
        Fixtures.createCheck(api, check("others-only", "true", 60, Map.of("target_id", other.id().toString())));
        String now = clock.instant().toString();
        for (String name : List.of("no-such-check", "others-only")) {
            Api.Reply r = post(a, Map.of("results", List.of(result("disk-space", "ok", 0, now), result(name, "ok", 0, now))));
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.json().get("field").asText()).isEqualTo("results[1].check_id");
            assertThat(r.json().get("error").asText()).contains("'" + name + "'");
        }
        assertThat(stored(a)).as("nothing of a refused batch is stored").isZero();
    }

    @Test
    void invalidBodiesAre400NamingTheFieldAndStoreNothing() {
        EnrolledAgent a = agentWithDiskSpace("invalid");
        String now = clock.instant().toString();
        String tooLate = clock.instant().plus(CheckResultRules.MAX_FUTURE_SKEW).plusSeconds(5).toString();
        Map<String, Object> ok = result("disk-space", "ok", 0, now);
        Map<String, Object> sequenced = new HashMap<>(ok);
        sequenced.put("seq", 1);
        Map<String, Object> noCheck = new HashMap<>(ok);
        noCheck.remove("check_id");
        Map<String, Object> noTime = new HashMap<>(ok);
        noTime.remove("executed_at");
        Map<String, Object> longRef = result("x".repeat(CheckResultRules.MAX_CHECK_REF_LENGTH + 1), "ok", 0, now);
        Map<String, Object> negative = new HashMap<>(ok);
        negative.put("duration_ms", -1);
        record Case(String name, Object body, String field) {
        }
        List<Case> cases = List.of(
                new Case("status disagrees with exit_code", Map.of("results", List.of(ok, result("disk-space", "ok", 2, now))),
                        "results[1].status"),
                new Case("critical with exit 0", Map.of("results", List.of(result("disk-space", "critical", 0, now))), "results[0].status"),
                new Case("unknown status", Map.of("results", List.of(ok, result("disk-space", "bad", null, now))), "results[1].status"),
                new Case("executed_at in the future", Map.of("results", List.of(ok, result("disk-space", "ok", 0, tooLate))),
                        "results[1].executed_at"),
                new Case("no executed_at", Map.of("results", List.of(ok, noTime)), "results[1].executed_at"),
                new Case("no check_id", Map.of("results", List.of(ok, noCheck)), "results[1].check_id"),
                new Case("blank check_id", Map.of("results", List.of(ok, result(" ", "ok", 0, now))), "results[1].check_id"),
                new Case("check_id too long", Map.of("results", List.of(ok, longRef)), "results[1].check_id"),
                new Case("negative duration", Map.of("results", List.of(ok, negative)), "results[1].duration_ms"),
                new Case("seq on some results only", Map.of("results", List.of(ok, sequenced)), "results[1].seq"),
                new Case("stream_epoch without seq", Map.of("stream_epoch", UUID.randomUUID().toString(), "results", List.of(ok)),
                        "stream_epoch"),
                new Case("the unsequenced epoch named", Map.of("stream_epoch", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                        "results", List.of(sequenced)), "stream_epoch"),
                new Case("no results", Map.of("results", List.of()), "results"),
                new Case("a null result", "{\"results\":[null]}", "results[0]"),
                new Case("seq not a number", "{\"results\":[{\"check_id\":\"disk-space\",\"seq\":\"x\"}]}", null),
                new Case("check_id not a string", "{\"results\":[{\"check_id\":{\"a\":1},\"status\":\"ok\"}]}", null),
                new Case("executed_at not a time", "{\"results\":[{\"check_id\":\"disk-space\",\"status\":\"ok\",\"executed_at\":\"soon\"}]}", null));
        for (Case c : cases) {
            Api.Reply r = post(a, c.body());
            assertThat(r.status()).as(c.name() + ": " + r).isEqualTo(400);
            if (c.field() != null) {
                assertThat(r.json().get("field").asText()).as(c.name()).isEqualTo(c.field());
            }
        }
        assertThat(stored(a)).as("nothing of a refused batch is stored").isZero();
        Api.Reply withinSkew = post(a, Map.of("results", List.of(result("disk-space", "ok", 0,
                clock.instant().plus(CheckResultRules.MAX_FUTURE_SKEW).minusSeconds(5).toString()))));
        assertThat(withinSkew.status()).as(withinSkew.toString()).isEqualTo(200);
    }

    @Test
    void longOutputIsCutNeverHalfwayThroughACharacter() {
        EnrolledAgent a = agentWithDiskSpace("cut-output");
        Map<String, Object> r = result("disk-space", "ok", 0, clock.instant().toString());
        r.put("output", "y".repeat(CheckResultRules.MAX_OUTPUT_CHARS - 1) + "\uD83D\uDE00 more");
        Api.Reply reply = post(a, Map.of("results", List.of(r)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode stored = api.get("/api/v1/targets/" + a.id() + "/check-results", ADMIN).json().get(0);
        assertThat(stored.get("output").asText()).hasSize(CheckResultRules.MAX_OUTPUT_CHARS - 1);
        assertThat(stored.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void anAgentsOwnSequencedResultsAreNotHeldToTheSkewBound() {
        EnrolledAgent a = agentWithDiskSpace("skewed-agent");
        Map<String, Object> r = result("disk-space", "ok", 0, clock.instant().plus(Duration.ofHours(1)).toString());
        r.put("seq", 1);
        Api.Reply reply = post(a, Map.of("results", List.of(r)));
        assertThat(reply.status()).as("an agent's spool is judged by Staleness, never dropped for its clock").isEqualTo(200);
    }
}
