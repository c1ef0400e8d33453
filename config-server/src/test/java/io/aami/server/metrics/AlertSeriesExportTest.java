package io.aami.server.metrics;

import static io.aami.server.metrics.MetricsExportTest.promtoolAccepts;
import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The series the shipped alert rules read: certificate expiry, policy refusals, the database, assigned probes. */
class AlertSeriesExportTest {
    @Test
    void certificateExpiryIsTheCurrentClientCertificatesNotAfter() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Api api = s.api();
            UUID id = UUID.randomUUID();
            KeyPair key = TlsTestClients.newKey();
            Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()),
                    "agent_id", id.toString(), "hostname", "tls-1", "csr", TlsTestClients.csr(key, id)), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            X509Certificate cert = Pem.parseCertificate(r.json().get("client_certificate").asText());
            UUID revoked = UUID.randomUUID();
            api.post("/api/v1/bootstrap-tokens/register", Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()),
                    "agent_id", revoked.toString(), "hostname", "gone", "csr", TlsTestClients.csr(TlsTestClients.newKey(), revoked)), null);
            assertThat(api.post("/api/v1/targets/" + revoked + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);

            String body = api.get("/metrics", null).body();
            double notAfter = cert.getNotAfter().toInstant().getEpochSecond();
            assertThat(value(body, "aami_agent_certificate_expiry_timestamp_seconds{agent_id=\"" + id
                    + "\",group=\"\",hostname=\"tls-1\"}")).isEqualTo(notAfter);
            assertThat(body).as("a revoked agent's certificate is no alert").doesNotContain(
                    "aami_agent_certificate_expiry_timestamp_seconds{agent_id=\"" + revoked);
            promtoolAccepts(body);
        }
    }

    @Test
    void policyRefusedFollowsTheLastHeartbeat() throws Exception {
        try (TestServer s = TestServer.start(Map.of())) {
            Api api = s.api();
            EnrolledAgent agent = Fixtures.enroll(api, "refuser", null);
            String series = "aami_agent_policy_refused{agent_id=\"" + agent.id() + "\",group=\"\",hostname=\"refuser\"} ";
            assertThat(api.get("/metrics", null).body()).contains(series + "0")
                    .as("TLS off: no certificate, no expiry series").doesNotContain("aami_agent_certificate_expiry_timestamp_seconds{");

            heartbeat(s, agent, "signature does not verify");
            assertThat(api.get("/metrics", null).body()).contains(series + "1");
            heartbeat(s, agent, null);
            assertThat(api.get("/metrics", null).body()).contains(series + "0");
        }
    }

    @Test
    void aDatabaseThatIsDownIsAami_db_up0AndTheServersOwnSeriesStillAnswer() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("aami-dbup-pg"))
                .setCleanDataDirectory(false).start();
        TestDatabase.Coordinates db = new TestDatabase.Coordinates(pg.getJdbcUrl("postgres", "postgres"), null, null);
        try (TestServer s = TestServer.start(Map.of(), db, Clock.systemUTC())) {
            Api api = s.api();
            Fixtures.enroll(api, "before", null);
            assertThat(api.get("/metrics", null).body()).contains("\naami_db_up 1").contains("hostname=\"before\"");

            pg.close();
            eventually(Duration.ofSeconds(20), "the server notices", () -> api.get("/ready", null).status() == 503);
            Api.Reply down = api.get("/metrics", null);
            assertThat(down.status()).as(down.toString()).isEqualTo(200);
            assertThat(down.body()).contains("\naami_db_up 0")
                    .contains("aami_db_pool_connections{state=\"active\"}")
                    .contains("aami_http_request_duration_seconds_bucket{")
                    .contains("process_cpu_seconds_total")
                    .as("no fleet series that would look current").doesNotContain("aami_agent_up{");
            promtoolAccepts(down.body());
        } finally {
            pg.close();
        }
    }

    @Test
    void everyAssignedProbeDestinationIsStaleUntilItsFirstResult() throws Exception {
        try (TestServer s = TestServer.start(Map.of())) {
            Api api = s.api();
            String web = Fixtures.group(api, "web");
            String db = Fixtures.group(api, "db");
            EnrolledAgent w1 = Fixtures.enroll(api, "web-1", web);
            EnrolledAgent d1 = Fixtures.enroll(api, "db-1", db);
            EnrolledAgent d2 = Fixtures.enroll(api, "db-2", db);
            EnrolledAgent revoked = Fixtures.enroll(api, "gone", web);
            assertThat(api.post("/api/v1/targets/" + revoked.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
            probe(api, "dns", Map.of("target", "dns.example"), Map.of("global", true));
            String own = probe(api, "dns", Map.of("target", "resolver.example"), Map.of("target_id", w1.id().toString()));
            probe(api, "mesh", Map.of("target_group_id", db), Map.of("group_id", web));
            Map<String, Object> off = new HashMap<>(Map.of("target", "off.example"));
            off.put("enabled", false);
            probe(api, "off", off, Map.of("global", true));
            String w1Dns = "aami_probe_stale{agent_id=\"" + w1.id() + "\",hostname=\"web-1\",probe=\"dns\",protocol=\"TCP\","
                    + "target=\"resolver.example\",target_agent_id=\"\",target_port=\"53\"} ";
            String meshToD2 = "aami_probe_stale{agent_id=\"" + w1.id() + "\",hostname=\"web-1\",probe=\"mesh\",protocol=\"TCP\","
                    + "target=\"127.0.0.1\",target_agent_id=\"" + d2.id() + "\",target_port=\"53\"} ";

            String before = api.get("/metrics", null).body();
            assertThat(before).contains(w1Dns + "1").contains(meshToD2 + "1")
                    .contains("aami_probe_stale{agent_id=\"" + w1.id() + "\",hostname=\"web-1\",probe=\"mesh\",protocol=\"TCP\","
                            + "target=\"127.0.0.1\",target_agent_id=\"" + d1.id() + "\",target_port=\"53\"} 1")
                    .contains("aami_probe_stale{agent_id=\"" + d1.id() + "\",hostname=\"db-1\",probe=\"dns\",protocol=\"TCP\","
                            + "target=\"dns.example\",target_agent_id=\"\",target_port=\"53\"} 1")
                    .as("no invented values before the first result").doesNotContain("aami_probe_success{")
                    .as("a disabled probe is not assigned").doesNotContain("probe=\"off\"")
                    .as("a revoked target probes nothing").doesNotContain("aami_probe_stale{agent_id=\"" + revoked.id());
            assertThat(before.lines().filter(l -> l.startsWith("aami_probe_stale{agent_id=\"" + w1.id()) && l.contains("probe=\"dns\""))
                    .count()).as("web-1's own dns overrides the global one").isEqualTo(1);
            assertThat(before.lines().filter(l -> l.startsWith("aami_probe_stale{agent_id=\"" + d1.id()) && l.contains("probe=\"mesh\""))
                    .count()).as("db-1 is not in the source group").isZero();

            heartbeat(s, w1, null);
            Api.Reply r = api.post("/api/v1/agents/" + w1.id() + "/probe-results", Map.of("results", List.of(Map.of("seq", 1,
                    "probe_id", own, "target", "resolver.example", "target_ip", "127.0.0.1", "target_port", 53, "protocol", "TCP",
                    "success", true, "reason", "ok", "total_ms", 1.5, "executed_at", Instant.now().toString()))), w1.token());
            assertThat(r.status()).as(r.toString()).isLessThan(300);
            String after = api.get("/metrics", null).body();
            assertThat(after).contains(w1Dns + "0").contains(meshToD2 + "1")
                    .contains(w1Dns.replace("aami_probe_stale", "aami_probe_success") + "1");
            promtoolAccepts(after);
        }
    }

    private static String probe(Api api, String name, Map<String, Object> destination, Map<String, Object> scope) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "target_port", 53, "protocol", "TCP", "timeout_ms", 500,
                "interval_seconds", 30));
        body.putAll(destination);
        body.putAll(scope);
        Api.Reply r = api.post("/api/v1/probes", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static void heartbeat(TestServer s, EnrolledAgent agent, String policyError) {
        Map<String, Object> body = new HashMap<>(Map.of("agent_version", "t"));
        if (policyError != null) {
            body.put("policy_error", policyError);
        }
        assertThat(s.api().post("/api/v1/agents/" + agent.id() + "/heartbeat", body, agent.token()).status()).isEqualTo(200);
        s.running().flushHeartbeats();
    }

    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + series));
    }
}
