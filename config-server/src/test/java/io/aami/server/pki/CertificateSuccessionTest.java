package io.aami.server.pki;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import io.aami.server.testing.TlsTestClients.ClientIdentity;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One live client certificate per agent: a copy of a replaced {@code agent.crt} + {@code agent.key}
 * opens nothing once the grace after a renewal is over, at once after a re-enrollment, and never
 * renews; on every replica sharing the database.
 */
class CertificateSuccessionTest {
    /** The shortest grace allowed with the shortest long poll (2 x policy.max_wait + 60s). */
    static final Duration GRACE = Duration.ofSeconds(62);
    static final MutableClock clock = MutableClock.startingNow();
    static TestServer server;
    static TestServer replica;
    static Api admin;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("AAMI_TLS", "on", "AAMI_POLICY_MAX_WAIT", "1s",
                "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE", GRACE.toSeconds() + "s");
        server = TestServer.start(env, io.aami.server.testing.TestDatabase.fresh(), clock);
        // A second replica on the same database and PKI: what one accepts or refuses, the other must too.
        Map<String, String> sameData = new HashMap<>(env);
        sameData.put("AAMI_DATA_DIR", server.dataDir().toString());
        replica = TestServer.start(sameData, server.database(), clock);
        admin = server.api();
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        server.close();
    }

    /** One certificate of an agent, with clients presenting it to either replica. */
    record Holder(UUID id, String token, KeyPair key, X509Certificate cert, Api api, Api viaReplica) {
    }

    static Holder holder(UUID id, String token, KeyPair key, X509Certificate cert) {
        ClientIdentity identity = new ClientIdentity(key, List.of(cert));
        return new Holder(id, token, key, cert, new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), identity)),
                new Api(replica.baseUrl(), TlsTestClients.trusting(server.caCertificate(), identity)));
    }

    static Api.Reply register(UUID id, KeyPair key, String bootstrap, String agentToken) {
        Map<String, Object> body = Map.of("token", bootstrap, "agent_id", id.toString(), "hostname", "succession",
                "csr", TlsTestClients.csr(key, id));
        return admin.post("/api/v1/bootstrap-tokens/register", body, agentToken);
    }

    static Holder enroll() {
        UUID id = UUID.randomUUID();
        KeyPair key = TlsTestClients.newKey();
        Api.Reply r = register(id, key, Fixtures.bootstrapToken(admin, 1, Map.of()), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return holder(id, r.json().get("agent_token").asText(), key, certificate(r));
    }

    static Holder renew(Holder from) {
        KeyPair fresh = TlsTestClients.newKey();
        Api.Reply r = from.api().post("/api/v1/agents/" + from.id() + "/certificate", Map.of("csr", TlsTestClients.csr(fresh, from.id())), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return holder(from.id(), from.token(), fresh, certificate(r));
    }

    static X509Certificate certificate(Api.Reply r) {
        return Pem.parseCertificate(r.json().get("client_certificate").asText());
    }

    static Api.Reply heartbeat(Api via, UUID id) {
        return via.post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "t"), null);
    }

    static void assertSuperseded(Api.Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().get("code").asText()).isEqualTo("CERTIFICATE_SUPERSEDED");
    }

    @Test
    void aRenewedCertificateIsAcceptedWithinTheGraceAndRefusedAfterIt() {
        Holder old = enroll();
        assertThat(heartbeat(old.viaReplica(), old.id()).status()).as("the replica has the old serial cached").isEqualTo(200);
        Holder current = renew(old);

        assertThat(heartbeat(current.api(), current.id()).status()).isEqualTo(200);
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).as("the replica knows the renewal at once").isEqualTo(200);
        Api.Reply inGrace = heartbeat(old.api(), old.id());
        assertThat(inGrace.status()).as("an in-flight request with the replaced certificate still succeeds").isEqualTo(200);
        assertThat(inGrace.header("connection")).as("and its connection is closed, so the agent handshakes anew")
                .hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("close"));
        assertThat(heartbeat(old.viaReplica(), old.id()).status()).isEqualTo(200);

        clock.advance(GRACE.plusSeconds(1));
        assertSuperseded(heartbeat(old.api(), old.id()));
        assertSuperseded(heartbeat(old.viaReplica(), old.id()));
        assertThat(heartbeat(current.api(), current.id()).status()).isEqualTo(200);
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);
    }

    @Test
    void onlyTheCurrentCertificateMayRenewEvenWithinTheGrace() {
        Holder old = enroll();
        Holder current = renew(old);
        KeyPair thief = TlsTestClients.newKey();
        for (Api via : new Api[] {old.api(), old.viaReplica()}) {
            assertSuperseded(via.post("/api/v1/agents/" + old.id() + "/certificate", Map.of("csr", TlsTestClients.csr(thief, old.id())), null));
        }
        assertThat(heartbeat(current.api(), current.id()).status()).as("the real agent's certificate stays current").isEqualTo(200);
        Holder next = renew(current);
        assertThat(heartbeat(next.viaReplica(), next.id()).status()).isEqualTo(200);
        assertSuperseded(heartbeat(old.api(), old.id()));
    }

    @Test
    void aReEnrollmentRetiresEveryEarlierCertificateAtOnce() {
        Holder old = enroll();
        Holder renewed = renew(old);
        KeyPair key = TlsTestClients.newKey();
        Api.Reply r = register(old.id(), key, Fixtures.bootstrapToken(admin, 1, Map.of()), old.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Holder current = holder(old.id(), r.json().get("agent_token").asText(), key, certificate(r));

        for (Holder retired : List.of(old, renewed)) {
            assertSuperseded(heartbeat(retired.api(), retired.id()));
            assertSuperseded(heartbeat(retired.viaReplica(), retired.id()));
        }
        assertThat(heartbeat(current.api(), current.id()).status()).isEqualTo(200);
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);
    }

    @Test
    void aCopiedOldCertificateCannotPostResultsAheadOfTheRealAgent() {
        Holder old = enroll();
        String check = Fixtures.createCheck(admin, Fixtures.check("seq", "true", 10, Map.of("target_id", old.id().toString())));
        Holder current = renew(old);
        clock.advance(GRACE.plusSeconds(1));

        Api.Reply attack = old.api().post("/api/v1/agents/" + old.id() + "/check-results", results(check, 1_000_000), null);
        assertSuperseded(attack);
        Api.Reply real = current.api().post("/api/v1/agents/" + current.id() + "/check-results", results(check, 1), null);
        assertThat(real.status()).as(real.toString()).isEqualTo(200);
        assertThat(real.json().get("accepted").asInt()).as("the real agent's first result is stored, not a duplicate").isEqualTo(1);
        assertThat(admin.get("/api/v1/targets/" + old.id() + "/checks", ADMIN).json().get(0).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void aLostReEnrollmentAnswerIsRetriedWithTheReplacedTokenAndThenThatTokenIsDead() {
        Holder old = enroll();
        String bootstrap = Fixtures.bootstrapToken(admin, 1, Map.of());
        KeyPair lostKey = TlsTestClients.newKey();
        Api.Reply lost = register(old.id(), lostKey, bootstrap, old.token());
        assertThat(lost.status()).isEqualTo(200);
        assertSuperseded(heartbeat(old.api(), old.id()));

        KeyPair key = TlsTestClients.newKey();
        Api.Reply retried = register(old.id(), key, bootstrap, old.token());
        assertThat(retried.status()).as("the single-use token's use was counted already; " + retried).isEqualTo(200);
        Holder current = holder(old.id(), retried.json().get("agent_token").asText(), key, certificate(retried));
        assertSuperseded(heartbeat(holder(old.id(), null, lostKey, certificate(lost)).api(), old.id()));
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);

        Api.Reply replay = register(old.id(), TlsTestClients.newKey(), Fixtures.bootstrapToken(admin, 1, Map.of()), old.token());
        assertThat(replay.status()).as(replay.toString()).isEqualTo(409);
        assertThat(heartbeat(current.api(), current.id()).status()).isEqualTo(200);
    }

    @Test
    void aRenewalWhoseAnswerWasLostIsAnsweredWithTheSameCertificateWhenRetriedForTheSameKeyWithinTheGraceAndOnlyThen() {
        Holder old = enroll();
        KeyPair renewing = TlsTestClients.newKey();
        String renew = "/api/v1/agents/" + old.id() + "/certificate";
        Api.Reply lost = old.api().post(renew, Map.of("csr", TlsTestClients.csr(renewing, old.id())), null);
        assertThat(lost.status()).as(lost.toString()).isEqualTo(200);
        clock.advance(GRACE.dividedBy(2));

        // The agent never saw that answer: it still presents the old certificate and asks again for the same key.
        KeyPair thief = TlsTestClients.newKey();
        assertSuperseded(old.api().post(renew, Map.of("csr", TlsTestClients.csr(thief, old.id())), null));
        for (Api via : new Api[] {old.viaReplica(), old.api()}) {
            Api.Reply retried = via.post(renew, Map.of("csr", TlsTestClients.csr(renewing, old.id())), null);
            assertThat(retried.status()).as("the retry with the renewal's own key is answered; " + retried).isEqualTo(200);
            assertThat(certificate(retried)).as("with the certificate the lost answer held, not a new one").isEqualTo(certificate(lost));
        }
        Holder current = holder(old.id(), old.token(), renewing, certificate(lost));
        assertThat(heartbeat(current.api(), current.id()).status()).isEqualTo(200);
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);

        // The retries did not lengthen the replaced certificate's grace: it ends when the first renewal's did.
        clock.advance(GRACE.dividedBy(2).plusSeconds(1));
        assertSuperseded(heartbeat(old.api(), old.id()));
        assertSuperseded(old.api().post(renew, Map.of("csr", TlsTestClients.csr(renewing, old.id())), null));
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);
        Holder next = renew(current);
        assertThat(heartbeat(next.viaReplica(), next.id()).status()).isEqualTo(200);
    }

    @Test
    void aFirstRenewalRequestThatArrivesAfterItsRetryWasAnsweredChangesNothing() {
        Holder old = enroll();
        KeyPair renewing = TlsTestClients.newKey();
        String csr = TlsTestClients.csr(renewing, old.id());
        // The retry overtook the stalled first request: it renewed, and the agent installed what it got.
        Api.Reply retry = old.api().post("/api/v1/agents/" + old.id() + "/certificate", Map.of("csr", csr), null);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        Holder current = holder(old.id(), old.token(), renewing, certificate(retry));

        Api.Reply stalled = old.viaReplica().post("/api/v1/agents/" + old.id() + "/certificate", Map.of("csr", csr), null);
        assertThat(stalled.status()).as(stalled.toString()).isEqualTo(200);
        assertThat(certificate(stalled)).isEqualTo(current.cert());
        assertThat(heartbeat(current.api(), current.id()).status()).as("what the agent installed stays current").isEqualTo(200);
        assertThat(heartbeat(current.viaReplica(), current.id()).status()).isEqualTo(200);
    }

    @Test
    void aRetryIsRefusedWhenTheCurrentCertificateWasNotStoredOrIsNotTheOneOnRecord() throws Exception {
        for (String damage : new String[] {"certificate_der = NULL", "certificate_serial = 'ab12'"}) {
            Holder old = enroll();
            KeyPair renewing = TlsTestClients.newKey();
            String renew = "/api/v1/agents/" + old.id() + "/certificate";
            assertThat(old.api().post(renew, Map.of("csr", TlsTestClients.csr(renewing, old.id())), null).status()).isEqualTo(200);
            // A row from before V031, or one a writer that does not keep certificate_der changed.
            io.aami.server.testing.TestDatabase.Coordinates db = server.database();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
                 java.sql.PreparedStatement ps = c.prepareStatement("UPDATE targets SET " + damage + " WHERE id = ?")) {
                ps.setObject(1, old.id());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertSuperseded(old.api().post(renew, Map.of("csr", TlsTestClients.csr(renewing, old.id())), null));
        }
    }

    static Map<String, Object> results(String checkId, long seq) {
        return Map.of("results", List.of(Map.of("seq", seq, "check_id", checkId, "status", "ok", "exit_code", 0, "output", "",
                "truncated", false, "timed_out", false, "duration_ms", 1, "executed_at", clock.instant().toString())));
    }
}
