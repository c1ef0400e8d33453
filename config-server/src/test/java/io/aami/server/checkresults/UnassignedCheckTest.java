package io.aami.server.checkresults;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Eventually;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A result is filed only under a check assigned to its agent, named or given by id: without seq the
 * batch is refused with 404 naming the result; with seq the result is dropped and the rest stored, so
 * the agent's stream moves on. Either counts in {@code aami_results_unknown_check_total}, never as a
 * rejected batch (which raises ServerIngestErrors).
 */
class UnassignedCheckTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Map<String, Object> result(Long seq, String checkId) {
        Map<String, Object> r = new HashMap<>(Map.of("check_id", checkId, "status", "critical", "exit_code", 2,
                "output", "out " + seq, "duration_ms", 5, "executed_at", clock.instant().toString()));
        if (seq != null) {
            r.put("seq", seq);
        }
        return r;
    }

    static Api.Reply post(EnrolledAgent a, List<Map<String, Object>> results) {
        return api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", results), a.token());
    }

    static List<String> historyChecks(EnrolledAgent a) {
        return api.get("/api/v1/targets/" + a.id() + "/check-results?limit=1000&since=2000-01-01T00:00:00Z", ADMIN).json()
                .findValuesAsText("check_id");
    }

    /** The counter's value for the checks stream (0 when not exported: the assertions on it then say what is missing). */
    static double counter(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{stream=\"checks\"} (\\S+)$").matcher(api.get("/metrics", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void anIdOfAnotherAgentsCheckWithoutSeqIs404NamingItAndStoresNothing() {
        EnrolledAgent a = Fixtures.enroll(api, "ids-a", null);
        String mine = Fixtures.createCheck(api, check("mine", "true", 60, Map.of("target_id", a.id().toString())));
        EnrolledAgent b = Fixtures.enroll(api, "ids-b", null);
        String others = Fixtures.createCheck(api, check("others", "true", 60, Map.of("target_id", b.id().toString())));
        double rejected = counter("aami_results_rejected_batches_total");
        double unknown = counter("aami_results_unknown_check_total");

        Api.Reply r = post(a, List.of(result(null, mine), result(null, others)));
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().get("field").asText()).isEqualTo("results[1].check_id");
        assertThat(r.json().get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(r.json().get("error").asText()).contains(others);
        assertThat(historyChecks(a)).as("nothing of the refused batch").isEmpty();
        assertThat(historyChecks(b)).isEmpty();
        assertThat(counter("aami_results_unknown_check_total")).isEqualTo(unknown + 1);
        assertThat(counter("aami_results_rejected_batches_total")).as("not a malformed batch").isEqualTo(rejected);
    }

    @Test
    void anUnknownNameWithoutSeqCountsApartFromRejectedBatches() {
        EnrolledAgent a = Fixtures.enroll(api, "names", null);
        Fixtures.createCheck(api, check("mine", "true", 60, Map.of("target_id", a.id().toString())));
        double rejected = counter("aami_results_rejected_batches_total");
        double unknown = counter("aami_results_unknown_check_total");
        Api.Reply r = post(a, List.of(result(null, "mine"), result(null, "gone")));
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().get("field").asText()).isEqualTo("results[1].check_id");
        assertThat(counter("aami_results_rejected_batches_total")).as("a race with the policy is no malformed batch")
                .isEqualTo(rejected);
        assertThat(counter("aami_results_unknown_check_total")).isEqualTo(unknown + 1);
        Api.Reply bad = post(a, List.of(Map.of("check_id", "mine", "status", "fine", "executed_at", clock.instant().toString())));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(counter("aami_results_rejected_batches_total")).as("malformed batches still count").isEqualTo(rejected + 1);
    }

    @Test
    void aSequencedResultOfAnUnassignedCheckIsDroppedAndTheStreamMovesOn() {
        EnrolledAgent a = Fixtures.enroll(api, "seq-a", null);
        String mine = Fixtures.createCheck(api, check("mine", "true", 60, Map.of("target_id", a.id().toString())));
        String soon = Fixtures.createCheck(api, check("soon-gone", "true", 60, Map.of("target_id", a.id().toString())));
        EnrolledAgent b = Fixtures.enroll(api, "seq-b", null);
        String others = Fixtures.createCheck(api, check("others", "true", 60, Map.of("target_id", b.id().toString())));
        assertThat(post(a, List.of(result(1L, soon))).json().get("accepted").asInt()).isEqualTo(1);
        assertThat(api.delete("/api/v1/checks/" + soon, ADMIN).status()).isEqualTo(204);
        double unknown = counter("aami_results_unknown_check_total");

        // seq 3 and 4: spooled before the check was deleted; seq 5: another agent's check, by id.
        Api.Reply r = post(a, List.of(result(2L, mine), result(3L, soon), result(4L, "soon-gone"), result(5L, others)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode ack = r.json();
        assertThat(ack.get("acked_seq").asLong()).as("past the dropped results, so the agent sends them no more").isEqualTo(5);
        assertThat(ack.get("accepted").asInt()).isEqualTo(1);
        assertThat(historyChecks(a)).containsExactly(mine, soon);
        assertThat(counter("aami_results_unknown_check_total")).isEqualTo(unknown + 3);

        JsonNode again = post(a, List.of(result(4L, "soon-gone"), result(5L, others), result(6L, mine))).json();
        assertThat(again.get("acked_seq").asLong()).isEqualTo(6);
        assertThat(again.get("duplicates").asInt()).isEqualTo(2);
        assertThat(counter("aami_results_unknown_check_total")).as("a duplicate is not dropped twice").isEqualTo(unknown + 3);
        assertThat(historyChecks(b)).isEmpty();
        assertThat(api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().findValuesAsText("check_id")).containsExactly(mine);
    }

    /** A buggy or compromised agent naming an unknown check on every request must not cost a policy computation each. */
    @Test
    void repeatedMissesRecomputeTheTargetsChecksOncePerFewSecondsAndANewCheckIsFoundAtOnce() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "misses", null);
        Fixtures.createCheck(api, check("mine", "true", 60, Map.of("target_id", a.id().toString())));
        double before = plainCounter("aami_check_results_policy_recomputes_total");
        for (int i = 0; i < 10; i++) {
            assertThat(post(a, List.of(result(null, "mine"), result(null, "not-yet"))).status()).isEqualTo(404);
        }
        assertThat(plainCounter("aami_check_results_policy_recomputes_total")).as("10 batches, one recompute").isEqualTo(before + 1);
        clock.advance(CheckResultValidator.MISS_TTL);
        assertThat(post(a, List.of(result(null, "not-yet"))).status()).isEqualTo(404);
        assertThat(plainCounter("aami_check_results_policy_recomputes_total")).isEqualTo(before + 2);

        Fixtures.createCheck(api, check("not-yet", "true", 60, Map.of("target_id", a.id().toString())));
        assertThat(Eventually.within(Duration.ofSeconds(10), () -> post(a, List.of(result(null, "not-yet"))).status() == 200))
                .as("the new check's notice changes the cached policy; the remembered miss does not outlive it").isTrue();
    }

    /** An unlabeled counter's value (0 when not exported). */
    static double plainCounter(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(api.get("/metrics", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
