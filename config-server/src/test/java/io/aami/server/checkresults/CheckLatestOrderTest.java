package io.aami.server.checkresults;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code check_latest} moves forward in executed_at only: a result that ran before the stored one, sent
 * late with or without seq, enters history but never replaces the latest state; a time ahead of its
 * arrival counts as its arrival, so an agent whose clock ran ahead is not frozen once it is set back.
 * Times are kept exactly, before the Gregorian switch of 1582 too.
 */
class CheckLatestOrderTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Map<String, Object> result(Long seq, String status, Instant at) {
        Map<String, Object> r = new HashMap<>(Map.of("check_id", "c", "status", status, "output", status + " at " + at,
                "duration_ms", 5, "executed_at", at.toString()));
        if (seq != null) {
            r.put("seq", seq);
        }
        return r;
    }

    static JsonNode post(EnrolledAgent a, Map<String, Object> result) {
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(result)), a.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static JsonNode latest(EnrolledAgent a) {
        return api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0);
    }

    static EnrolledAgent agent(String host) {
        EnrolledAgent a = Fixtures.enroll(api, host, null);
        Fixtures.createCheck(api, check("c", "true", 60, Map.of("target_id", a.id().toString())));
        return a;
    }

    @Test
    void anOlderResultWithoutSeqNeverReplacesANewerLatest() {
        EnrolledAgent a = agent("late-unsequenced");
        Instant now = clock.instant();
        post(a, result(null, "critical", now));
        clock.advance(Duration.ofSeconds(1));
        assertThat(post(a, result(null, "ok", now.minus(Duration.ofHours(1)))).get("accepted").asInt()).isEqualTo(1);
        assertThat(latest(a).get("status").asText()).isEqualTo("critical");
        assertThat(latest(a).get("executed_at").asText()).isEqualTo(now.toString());
        post(a, result(null, "warning", now.plusMillis(1)));
        assertThat(latest(a).get("status").asText()).isEqualTo("warning");
    }

    @Test
    void anOlderResultWithALaterSeqNeverReplacesANewerLatest() {
        EnrolledAgent a = agent("late-sequenced");
        Instant now = clock.instant();
        post(a, result(1L, "critical", now));
        // A script posted this one to the agent's local API with the time it ran, an hour ago.
        post(a, result(2L, "ok", now.minus(Duration.ofHours(1))));
        assertThat(latest(a).get("seq").asLong()).isEqualTo(1);
        assertThat(latest(a).get("status").asText()).isEqualTo("critical");
        post(a, result(3L, "warning", now.plusSeconds(1)));
        assertThat(latest(a).get("seq").asLong()).isEqualTo(3);
    }

    @Test
    void anAgentWhoseClockRanAheadMovesOnOnceItIsSetBack() {
        EnrolledAgent a = agent("clock-ahead");
        post(a, result(1L, "critical", clock.instant().plus(Duration.ofHours(1))));
        assertThat(latest(a).get("seq").asLong()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        post(a, result(2L, "ok", clock.instant().minusSeconds(1)));
        assertThat(latest(a).get("seq").asLong()).as("ran after the first one arrived").isEqualTo(2);
        assertThat(latest(a).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void aTimeBeforeTheGregorianSwitchIsStoredOnceAndKeptExactly() {
        EnrolledAgent a = agent("julian");
        Instant old = Instant.parse("1500-03-01T12:00:00.123456Z");
        JsonNode first = post(a, result(null, "warning", old));
        assertThat(first.get("accepted").asInt()).as("stored, not taken for a duplicate").isEqualTo(1);
        JsonNode again = post(a, result(null, "warning", old));
        assertThat(again.get("accepted").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);
        post(a, result(null, "ok", old.minusSeconds(1)));
        assertThat(latest(a).get("executed_at").asText()).isEqualTo(old.toString());
        assertThat(latest(a).get("status").asText()).isEqualTo("warning");

        String path = "/api/v1/targets/" + a.id() + "/check-results?limit=1&since=" + old.minusSeconds(1);
        Api.Reply page1 = api.get(path, ADMIN);
        assertThat(page1.json().get(0).get("executed_at").asText()).isEqualTo(old.toString());
        JsonNode page2 = api.get(path + "&continue=" + page1.header("Aami-Continue").orElseThrow(), ADMIN).json();
        assertThat(page2.size()).as("the page continues after the first row").isEqualTo(1);
        assertThat(page2.get(0).get("executed_at").asText()).isEqualTo(old.minusSeconds(1).toString());
    }
}
