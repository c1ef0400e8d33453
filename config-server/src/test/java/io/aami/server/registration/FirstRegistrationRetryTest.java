package io.aami.server.registration;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.pki.Pem;
import io.aami.server.security.Secrets;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answer to a first enrollment is lost. An agent that chose its own token (sending only its hash)
 * retries the identical request and gets its certificate, without another use of the bootstrap token;
 * anyone else who holds the fleet's bootstrap token and knows the agent id gets nothing: another key or
 * another token hash is 409, as is any retry once the agent used its credential or the window ended.
 */
class FirstRegistrationRetryTest {
    static final Duration WINDOW = Duration.ofMinutes(2);
    static final MutableClock clock = MutableClock.startingNow();
    static TestServer server;
    static Api admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW", "2m"),
                TestDatabase.fresh(), clock);
        admin = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What an agent keeps durably before it sends its first registration. */
    record Pending(UUID id, KeyPair key, String token) {
        static Pending fresh() {
            return new Pending(UUID.randomUUID(), TlsTestClients.newKey(), new Secrets(new java.security.SecureRandom()).agentToken());
        }

        String tokenSha256() {
            return HexFormat.of().formatHex(Secrets.sha256(token));
        }
    }

    static Api.Reply register(String bootstrap, UUID id, KeyPair key, String tokenSha256) {
        Map<String, Object> body = new HashMap<>(Map.of("token", bootstrap, "agent_id", id.toString(), "hostname", "first-retry",
                "csr", TlsTestClients.csr(key, id)));
        if (tokenSha256 != null) {
            body.put("agent_token_sha256", tokenSha256);
        }
        return admin.post("/api/v1/bootstrap-tokens/register", body, null);
    }

    static Api.Reply register(String bootstrap, Pending p) {
        return register(bootstrap, p.id(), p.key(), p.tokenSha256());
    }

    static X509Certificate certificate(Api.Reply r) {
        return Pem.parseCertificate(r.json().get("client_certificate").asText());
    }

    static int heartbeat(UUID id, KeyPair key, X509Certificate cert) {
        Api api = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(),
                new TlsTestClients.ClientIdentity(key, List.of(cert))));
        return api.post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "t"), null).status();
    }

    static void assertAlreadyRegistered(Api.Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("code").asText()).isEqualTo("AGENT_ALREADY_REGISTERED");
    }

    static String tokenId(String bootstrap) {
        return bootstrap.substring(5, 11);
    }

    @Test
    void theIdenticalRetryOfALostFirstAnswerGetsACertificateForTheSameKeyWithoutAnotherTokenUse() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 1, Map.of());
        Api.Reply lost = register(bootstrap, p);
        assertThat(lost.status()).as(lost.toString()).isEqualTo(201);
        assertThat(lost.json().path("agent_token").isMissingNode() || lost.json().get("agent_token").isNull())
                .as("the answer carries no token: the agent chose it").isTrue();

        Api.Reply retried = register(bootstrap, p);
        assertThat(retried.status()).as("the single-use token was counted already; " + retried).isEqualTo(200);
        X509Certificate cert = certificate(retried);
        assertThat(cert.getPublicKey()).isEqualTo(p.key().getPublic());
        assertThat(admin.get("/api/v1/bootstrap-tokens/" + tokenId(bootstrap), ADMIN).json().get("uses").asInt()).isEqualTo(1);
        JsonNode audit = admin.get("/api/v1/bootstrap-tokens/" + tokenId(bootstrap) + "/uses", ADMIN).json();
        assertThat(audit.findValuesAsText("outcome")).containsExactlyInAnyOrder("enrolled", "retried");

        assertThat(heartbeat(p.id(), p.key(), cert)).isEqualTo(200);
        assertThat(heartbeat(p.id(), p.key(), certificate(lost))).as("the lost answer's certificate was retired").isEqualTo(401);
    }

    @Test
    void aReplayerWithTheBootstrapTokenButAnotherKeyOrAnotherTokenHashGetsNothing() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of());
        assertThat(register(bootstrap, p).status()).isEqualTo(201);
        KeyPair attackerKey = TlsTestClients.newKey();
        Pending attacker = Pending.fresh();
        assertAlreadyRegistered(register(bootstrap, p.id(), attackerKey, p.tokenSha256()));
        assertAlreadyRegistered(register(bootstrap, p.id(), p.key(), attacker.tokenSha256()));
        assertAlreadyRegistered(register(bootstrap, p.id(), attackerKey, attacker.tokenSha256()));
        assertAlreadyRegistered(register(bootstrap, p.id(), attackerKey, null));
        assertAlreadyRegistered(register(Fixtures.bootstrapToken(admin, 5, Map.of()), p));
        assertThat(register(bootstrap, p).status()).as("the agent's own retry still works").isEqualTo(200);
        assertThat(admin.get("/api/v1/bootstrap-tokens/" + tokenId(bootstrap), ADMIN).json().get("uses").asInt()).isEqualTo(1);
    }

    @Test
    void noRetryOnceTheAgentUsedItsCredential() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of());
        Api.Reply r = register(bootstrap, p);
        assertThat(heartbeat(p.id(), p.key(), certificate(r))).isEqualTo(200);
        assertAlreadyRegistered(register(bootstrap, p));
    }

    @Test
    void noRetryAfterTheWindow() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of("ttl_seconds", 3600));
        assertThat(register(bootstrap, p).status()).isEqualTo(201);
        clock.advance(WINDOW.plusSeconds(1));
        assertAlreadyRegistered(register(bootstrap, p));
    }

    @Test
    void aRevokedBootstrapTokenRefusesTheRetry() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 1, Map.of());
        assertThat(register(bootstrap, p).status()).isEqualTo(201);
        assertThat(admin.delete("/api/v1/bootstrap-tokens/" + tokenId(bootstrap), ADMIN).status()).isIn(200, 204);
        Api.Reply r = register(bootstrap, p);
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().get("code").asText()).isEqualTo("TOKEN_REVOKED");
    }

    @Test
    void anOldAgentWithoutAChosenTokenKeepsTheServerMadeTokenAndHasNoRetry() {
        UUID id = UUID.randomUUID();
        KeyPair key = TlsTestClients.newKey();
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of());
        Api.Reply r = register(bootstrap, id, key, null);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("agent_token").asText()).startsWith("aami_agent_");
        assertAlreadyRegistered(register(bootstrap, id, key, null));
        String guessedHash = HexFormat.of().formatHex(Secrets.sha256(r.json().get("agent_token").asText()));
        assertAlreadyRegistered(register(bootstrap, id, key, guessedHash));
    }

    @Test
    void aMalformedTokenHashIsA400NamingTheField() {
        Pending p = Pending.fresh();
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of());
        for (String bad : new String[] {"", "ABCDEF", p.tokenSha256().toUpperCase(), p.tokenSha256() + "0"}) {
            Api.Reply r = register(bootstrap, p.id(), p.key(), bad);
            assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("agent_token_sha256");
        }
        assertThat(admin.get("/api/v1/bootstrap-tokens/" + tokenId(bootstrap), ADMIN).json().get("uses").asInt()).isZero();
    }
}
