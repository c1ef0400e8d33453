package io.aami.server.proberesults;

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
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code probe_latest} moves forward in executed_at only, as {@code check_latest} does: a report that ran
 * before the stored one, whether in a later batch, later in the same batch or in a new stream epoch, enters
 * history but never replaces the latest state; a time ahead of its arrival counts as its arrival.
 */
class ProbeLatestOrderTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Map<String, Object> report(long seq, String probeId, boolean success, Instant at) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "probe_id", probeId, "target", "192.0.2.1", "target_ip", "192.0.2.1",
                "target_port", 443, "protocol", "TCP", "success", success, "reason", success ? "ok" : "refused", "total_ms", 1.5));
        r.put("executed_at", at.toString());
        return r;
    }

    static void post(EnrolledAgent a, String epoch, List<Map<String, Object>> reports) {
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/probe-results", Map.of("stream_epoch", epoch, "results", reports),
                a.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(reports.size());
    }

    static JsonNode latest(EnrolledAgent a) {
        JsonNode rows = api.get("/api/v1/targets/" + a.id() + "/probes", ADMIN).json();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    void anOlderReportNeverReplacesANewerLatestWhateverItsSeqBatchOrEpoch() {
        EnrolledAgent a = Fixtures.enroll(api, "prober", null);
        Api.Reply created = api.post("/api/v1/probes", Map.of("name", "tls", "target", "192.0.2.1", "target_port", 443,
                "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 10, "target_id", a.id().toString()), ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String probe = created.json().get("id").asText();
        String epoch = UUID.randomUUID().toString();
        Instant now = clock.instant();

        post(a, epoch, List.of(report(1, probe, false, now)));
        // Posted with the time it ran, an hour ago: history, not the latest state.
        post(a, epoch, List.of(report(2, probe, true, now.minus(Duration.ofHours(1)))));
        assertThat(latest(a).get("seq").asLong()).isEqualTo(1);
        assertThat(latest(a).get("success").asBoolean()).isFalse();

        post(a, epoch, List.of(report(3, probe, true, now.plusSeconds(2)), report(4, probe, false, now.minus(Duration.ofHours(1)))));
        assertThat(latest(a).get("seq").asLong()).as("the newest of the batch, not its last").isEqualTo(3);

        post(a, UUID.randomUUID().toString(), List.of(report(1, probe, false, now.minus(Duration.ofHours(2)))));
        assertThat(latest(a).get("seq").asLong()).as("a new epoch's old report is no newer").isEqualTo(3);
        assertThat(latest(a).get("success").asBoolean()).isTrue();

        clock.advance(Duration.ofSeconds(5));
        post(a, epoch, List.of(report(5, probe, false, clock.instant())));
        assertThat(latest(a).get("seq").asLong()).isEqualTo(5);
    }
}
