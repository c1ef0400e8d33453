package io.aami.server.console;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The overview's counts beyond targets and checks by status, each set up through the agent and admin routes a real
 * fleet uses: stale check and probe results (by time and by an agent gone offline), policy refusals, spool drops as
 * heartbeats report them (and older agents that do not), certificates near or past their end; revoked targets left out.
 */
class FleetSummaryTest {
    /** Each summary computed afresh: these tests change the fleet between two looks without moving the clock. */
    private static final Map<String, String> SLOW_SWEEP = Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h", "AAMI_CONSOLE_SUMMARY_MAX_AGE", "0s");

    @Test
    void theSummaryCountsStaleResultsRefusalsAndSpoolDropsAndThePageShowsThem() {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(SLOW_SWEEP, TestDatabase.fresh(), clock)) {
            Api api = s.api();
            EnrolledAgent fresh = Fixtures.enroll(api, "fresh", null);
            EnrolledAgent late = Fixtures.enroll(api, "late", null);
            EnrolledAgent gone = Fixtures.enroll(api, "gone", null);
            EnrolledAgent old = Fixtures.enroll(api, "old", null);
            EnrolledAgent revoked = Fixtures.enroll(api, "revoked", null);
            // 60 s interval, 30 s timeout: stale 150 s after its run. Probe: 60 s, 500 ms: stale after 121 s.
            String check = Fixtures.createCheck(api, Fixtures.check("disk", "true", 60, Map.of("global", true)));
            Map<String, Object> off = Fixtures.check("off", "true", 60, Map.of("global", true));
            String disabled = Fixtures.createCheck(api, off);
            String probe = probe(api);

            Instant t0 = clock.instant();
            checkResult(api, fresh, check, 1, "ok", t0);
            checkResult(api, late, check, 1, "critical", t0.minusSeconds(151)); // delivered late: stale already
            checkResult(api, gone, check, 1, "ok", t0);
            checkResult(api, revoked, check, 1, "warning", t0.minusSeconds(3600));
            checkResult(api, fresh, disabled, 2, "ok", t0.minusSeconds(3600)); // once disabled, its old result is no alarm
            off.put("enabled", false);
            assertThat(api.put("/api/v1/checks/" + disabled, off, ADMIN).status()).isEqualTo(200);
            probeResult(api, fresh, probe, t0.minusSeconds(122));
            probeResult(api, late, probe, t0);

            beat(s, fresh, Map.of("spool_dropped", 0));
            beat(s, late, Map.of("spool_dropped", 5, "policy_error", "bundle signature does not verify"));
            beat(s, gone, Map.of("spool_dropped", 7));
            beat(s, old, Map.of()); // an agent older than spool_dropped: unknown, not 0
            beat(s, revoked, Map.of("spool_dropped", 1000, "policy_error", "expired"));
            assertThat(api.post("/api/v1/targets/" + revoked.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);

            JsonNode target = api.get("/api/v1/targets/" + late.id(), ADMIN).json();
            assertThat(target.get("spool_dropped").asLong()).isEqualTo(5);
            assertThat(api.get("/api/v1/targets/" + old.id(), ADMIN).json().get("spool_dropped").isNull()).isTrue();
            assertThat(api.post("/api/v1/agents/" + old.id() + "/heartbeat", Map.of("spool_dropped", -1), old.token()).status())
                    .isEqualTo(400);

            JsonNode sum = summary(api);
            assertThat(sum.get("stale").get("checks").asLong()).as(sum.toString()).isEqualTo(1);
            assertThat(sum.get("stale").get("probes").asLong()).as(sum.toString()).isEqualTo(1);
            assertThat(sum.get("policy").get("refused").asLong()).isEqualTo(1);
            assertThat(sum.get("spool").get("dropped").asLong()).isEqualTo(12);
            assertThat(sum.get("spool").get("targets").asLong()).isEqualTo(2);
            assertThat(sum.get("spool").get("unknown").asLong()).isEqualTo(1);
            assertThat(sum.get("certificates").get("expired").asLong()).isZero();
            assertThat(sum.get("checks").get("critical").asLong()).isEqualTo(1);

            // 91 s on: "gone" missed its heartbeats and is offline, so its fresh result is stale; the others beat on.
            clock.advance(Duration.ofSeconds(91));
            beat(s, fresh, Map.of("spool_dropped", 0));
            beat(s, late, Map.of("spool_dropped", 5));
            beat(s, old, Map.of());
            assertThat(s.running().sweepNow()).isEqualTo(1);
            sum = summary(api);
            assertThat(sum.get("targets").get("offline").asLong()).isEqualTo(1);
            assertThat(sum.get("stale").get("checks").asLong()).as(sum.toString()).isEqualTo(2);
            assertThat(sum.get("policy").get("refused").asLong()).as("the refusal cleared with the next heartbeat").isZero();
            assertThat(sum.get("spool").get("dropped").asLong()).as("an offline target's last report still counts").isEqualTo(12);

            Fixtures.user(api, "vera", "viewer");
            ConsoleSessions.Session vera = ConsoleSessions.login(api, "vera");
            Api.Reply page = vera.get(api, "/ui");
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(count(page.body(), "stale.checks")).isEqualTo("2");
            assertThat(count(page.body(), "spool.dropped")).isEqualTo("12");
            assertThat(count(page.body(), "spool.targets")).isEqualTo("2");
            assertThat(count(page.body(), "policy.refused")).isEqualTo("0");
            assertThat(page.body()).contains("<a href=\"/ui/targets?status=offline\"><span data-count=\"targets.offline\">1</span>",
                    "<div class=\"count\"><dt>certificates expiring within 7 days</dt>",
                    "<dt>certificates past renewal (under 16 hours left)</dt>", "<div class=\"count alert\" data-watch=\"nonzero\"><dt>stale check results")
                    .doesNotContain("<form").doesNotContain("<button type=\"button\" data-api");
            assertNoInlineScriptNorOtherOrigin(page.body());
        }
    }

    @Test
    void certificatesPastTheirRenewalAndExpiredAreCountedForTargetsNotRevoked() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_CONSOLE_SUMMARY_MAX_AGE", "0s"), TestDatabase.fresh(), clock)) {
            Api api = s.api();
            Instant notAfter = enrollWithCertificate(api, "tls-1");
            enrollWithCertificate(api, "tls-2");
            UUID revoked = UUID.fromString(api.get("/api/v1/targets", ADMIN).json().findValuesAsText("id").get(1));
            // 7-day certificates (the default) all expire within 7 days; they renew at 70-90 % of their life, so a
            // certificate in its last tenth (16 h, in whole hours) is past its renewal.
            JsonNode certs = summary(api).get("certificates");
            assertThat(certs.get("expiring").asLong()).as(certs.toString()).isEqualTo(2);
            assertThat(certs.get("expiring_within_seconds").asLong()).isEqualTo(7 * 86_400);
            assertThat(certs.get("past_renewal").asLong()).isZero();
            assertThat(certs.get("past_renewal_within_seconds").asLong()).isEqualTo(16 * 3600);
            assertThat(certs.get("validity_seconds").asLong()).isEqualTo(7 * 86_400);

            clock.advance(Duration.between(clock.instant(), notAfter.minus(Duration.ofHours(10))));
            certs = summary(api).get("certificates");
            assertThat(certs.get("past_renewal").asLong()).as(certs.toString()).isEqualTo(2);
            assertThat(certs.get("expired").asLong()).isZero();

            assertThat(api.post("/api/v1/targets/" + revoked + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
            certs = summary(api).get("certificates");
            assertThat(certs.get("past_renewal").asLong()).isEqualTo(1);
            assertThat(certs.get("expiring").asLong()).isEqualTo(1);

            clock.advance(Duration.ofHours(11));
            certs = summary(api).get("certificates");
            assertThat(certs.get("expired").asLong()).as(certs.toString()).isEqualTo(1);
            assertThat(certs.get("past_renewal").asLong()).isZero();
            assertThat(certs.get("expiring").asLong()).isZero();
        }
    }

    @Test
    void withCertificatesLongerThanAWeekExpiringWithin7DaysIsTroubleOnThePage() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_CLIENT_CERT_VALIDITY", "30d",
                "AAMI_CONSOLE_SUMMARY_MAX_AGE", "0s"), TestDatabase.fresh(), clock)) {
            Api api = s.api();
            Instant notAfter = enrollWithCertificate(api, "monthly");
            JsonNode certs = summary(api).get("certificates");
            assertThat(certs.get("expiring").asLong()).as(certs.toString()).isZero();
            assertThat(certs.get("past_renewal_within_seconds").asLong()).isEqualTo(72 * 3600);

            clock.advance(Duration.between(clock.instant(), notAfter.minus(Duration.ofDays(5))));
            certs = summary(api).get("certificates");
            assertThat(certs.get("expiring").asLong()).as(certs.toString()).isEqualTo(1);
            assertThat(certs.get("past_renewal").asLong()).isZero();
            Fixtures.user(api, "vera", "viewer");
            String page = ConsoleSessions.login(api, "vera").get(api, "/ui").body();
            assertThat(page).contains("<div class=\"count alert\" data-watch=\"nonzero\"><dt>certificates expiring within 7 days</dt>",
                    "<div class=\"count\" data-watch=\"nonzero\"><dt>certificates past renewal (under 3 days left)</dt>");
            assertThat(count(page, "certificates.expiring")).isEqualTo("1");
        }
    }

    private static Instant enrollWithCertificate(Api api, String hostname) throws Exception {
        UUID id = UUID.randomUUID();
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()),
                "agent_id", id.toString(), "hostname", hostname, "csr", TlsTestClients.csr(TlsTestClients.newKey(), id)), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return Pem.parseCertificate(r.json().get("client_certificate").asText()).getNotAfter().toInstant();
    }

    @Test
    void aSummaryIsReusedForItsMaxAgeThenTakenAgain() {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h", "AAMI_CONSOLE_SUMMARY_MAX_AGE", "5s"),
                TestDatabase.fresh(), clock)) {
            Api api = s.api();
            JsonNode first = summary(api);
            assertThat(first.get("targets").get("online").asLong()).isZero();
            Fixtures.enroll(api, "new-host", null);
            JsonNode reused = summary(api);
            assertThat(reused.get("at").asText()).as("the same summary within 5 s").isEqualTo(first.get("at").asText());
            assertThat(reused.get("targets").get("online").asLong()).isZero();

            clock.advance(Duration.ofSeconds(6));
            JsonNode taken = summary(api);
            assertThat(taken.get("targets").get("online").asLong()).as(taken.toString()).isEqualTo(1);
            assertThat(Instant.parse(taken.get("at").asText())).isAfter(Instant.parse(first.get("at").asText()));
        }
    }

    private static JsonNode summary(Api api) {
        Api.Reply r = api.get("/api/v1/fleet/summary", ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static String count(String html, String key) {
        Matcher m = Pattern.compile("data-count=\"" + Pattern.quote(key) + "\">(\\d+)<").matcher(html);
        assertThat(m.find()).as(key + " in " + html).isTrue();
        return m.group(1);
    }

    private static void beat(TestServer s, EnrolledAgent a, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("agent_version", "t"));
        body.putAll(fields);
        Api.Reply r = s.api().post("/api/v1/agents/" + a.id() + "/heartbeat", body, a.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        s.running().flushHeartbeats();
    }

    private static void checkResult(Api api, EnrolledAgent a, String check, long seq, String status, Instant at) {
        Map<String, Object> result = Map.of("seq", seq, "check_id", check, "status", status, "exit_code",
                List.of("ok", "warning", "critical").indexOf(status), "output", "",
                "truncated", false, "timed_out", false, "duration_ms", 5, "executed_at", at.toString());
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(result)), a.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).as(r.toString()).isEqualTo(1);
    }

    private static String probe(Api api) {
        Api.Reply r = api.post("/api/v1/probes", Map.of("name", "dns", "target", "dns.example", "target_port", 53, "protocol", "TCP",
                "timeout_ms", 500, "interval_seconds", 60, "global", true), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static void probeResult(Api api, EnrolledAgent a, String probe, Instant at) {
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/probe-results", Map.of("results", List.of(Map.of("seq", 1,
                "probe_id", probe, "target", "dns.example", "target_ip", "127.0.0.1", "target_port", 53, "protocol", "TCP",
                "success", true, "reason", "ok", "total_ms", 1.5, "executed_at", at.toString()))), a.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
}
