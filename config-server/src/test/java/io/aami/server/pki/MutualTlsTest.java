package io.aami.server.pki;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.pki.Pem;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients.ClientIdentity;
import io.aami.server.testing.TlsTestClients;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS on (the default): the built-in CA, CSR enrollment, mTLS identity, renewal, revocation, signed bundles. */
class MutualTlsTest {
    static TestServer server;
    static Api admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_CLIENT_CERT_VALIDITY", "2d"));
        admin = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An agent enrolled over TLS with its own key: its id, token, certificate and the pinned policy key. */
    record TlsAgent(UUID id, String token, KeyPair key, X509Certificate cert, String policyKey, Api api) {
    }

    static TlsAgent enroll(String hostname) {
        String bootstrap = Fixtures.bootstrapToken(admin, 1, Map.of());
        UUID id = UUID.randomUUID();
        KeyPair key = TlsTestClients.newKey();
        Map<String, Object> body = new HashMap<>(Map.of("token", bootstrap, "agent_id", id.toString(), "hostname", hostname,
                "csr", TlsTestClients.csr(key, id)));
        Api.Reply r = admin.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        X509Certificate cert = Pem.parseCertificate(r.json().get("client_certificate").asText());
        Api api = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), new ClientIdentity(key, List.of(cert))));
        return new TlsAgent(id, r.json().get("agent_token").asText(), key, cert, r.json().get("policy_public_key").asText(), api);
    }

    static Api.Reply heartbeat(Api via, UUID id, String bearer) {
        return via.post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "t"), bearer);
    }

    @Test
    void theCaIsServedPubliclyAndMatchesThePinTheServerLogs() throws Exception {
        Api.Reply ca = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), null)).get("/api/v1/ca", null);
        assertThat(ca.status()).isEqualTo(200);
        X509Certificate served = Pem.parseCertificate(ca.body());
        assertThat(served).isEqualTo(Pem.readCertificate(server.caCertificate()));
        assertThat(Pem.sha256Hex(served)).hasSize(64);
        assertThat(admin.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void enrollmentSignsTheAgentsOwnKeyIntoAShortLivedCertificateNamingIt() throws Exception {
        TlsAgent a = enroll("mtls-1");
        a.cert().verify(Pem.readCertificate(server.caCertificate()).getPublicKey());
        assertThat(a.cert().getPublicKey()).isEqualTo(a.key().getPublic());
        assertThat(a.cert().getSubjectX500Principal().getName()).contains("CN=" + a.id());
        assertThat(a.cert().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("urn:aami:agent:" + a.id()));
        Duration life = Duration.between(a.cert().getNotBefore().toInstant(), a.cert().getNotAfter().toInstant());
        assertThat(life).as("the validity asked for, and the hour it is backdated").isBetween(Duration.ofDays(2).plusHours(1), Duration.ofDays(2).plusHours(1).plusMinutes(10));
        assertThat(heartbeat(a.api(), a.id(), null).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/targets/" + a.id(), ADMIN).json().get("certificate_expires_at").isNull()).isFalse();
    }

    @Test
    void agentEndpointsNeedTheAgentsCertificateNotATokenAndOnlyOnItsOwnPath() {
        TlsAgent a = enroll("mtls-a");
        TlsAgent b = enroll("mtls-b");
        Api.Reply noCert = heartbeat(admin, a.id(), null);
        assertThat(noCert.status()).isEqualTo(401);
        assertThat(heartbeat(admin, a.id(), a.token()).status()).as("the token is no identity under TLS").isEqualTo(401);
        Api.Reply crossed = heartbeat(a.api(), b.id(), null);
        assertThat(crossed.status()).isEqualTo(403);
        assertThat(crossed.json().get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(a.api().get("/api/v1/groups", null).status()).as("an agent certificate is not admin").isEqualTo(401);
    }

    @Test
    void enrollmentUnderTlsRequiresAValidCsr() {
        String bootstrap = Fixtures.bootstrapToken(admin, 5, Map.of());
        Api.Reply none = admin.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", "x"), null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("field").asText()).isEqualTo("csr");
        Api.Reply junk = admin.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", "x", "csr", "junk"), null);
        assertThat(junk.status()).isEqualTo(400);
        assertThat(junk.json().get("field").asText()).isEqualTo("csr");
        assertThat(admin.get("/api/v1/bootstrap-tokens/" + bootstrap.substring(5, 11), ADMIN).json().get("uses").asInt()).isZero();
    }

    @Test
    void renewalOverMutualTlsIssuesAFreshCertificateForANewKey() throws Exception {
        TlsAgent a = enroll("renew");
        KeyPair fresh = TlsTestClients.newKey();
        Api.Reply r = a.api().post("/api/v1/agents/" + a.id() + "/certificate", Map.of("csr", TlsTestClients.csr(fresh, a.id())), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        X509Certificate renewed = Pem.parseCertificate(r.json().get("client_certificate").asText());
        assertThat(renewed.getPublicKey()).isEqualTo(fresh.getPublic());
        assertThat(renewed.getSerialNumber()).isNotEqualTo(a.cert().getSerialNumber());
        Api next = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), new ClientIdentity(fresh, List.of(renewed))));
        assertThat(heartbeat(next, a.id(), null).status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/agents/" + a.id() + "/certificate", Map.of("csr", TlsTestClients.csr(fresh, a.id())), null)
                .status()).isEqualTo(401);
    }

    @Test
    void aRevokedAgentIsRefusedThoughItsCertificateIsValid() {
        TlsAgent a = enroll("revoked");
        assertThat(heartbeat(a.api(), a.id(), null).status()).isEqualTo(200);
        admin.post("/api/v1/targets/" + a.id() + "/revoke", Map.of(), ADMIN);
        Api.Reply r = heartbeat(a.api(), a.id(), null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("code").asText()).isEqualTo("AGENT_REVOKED");
    }

    @Test
    void tls12IsRefusedByDefault() {
        Api old = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), null, "TLSv1.2"));
        assertThatThrownBy(() -> old.get("/health", null)).isInstanceOf(UncheckedIOException.class);
        Api current = new Api(server.baseUrl(), TlsTestClients.trusting(server.caCertificate(), null, "TLSv1.3"));
        assertThat(current.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void policyBundlesAreSignedOverTheirCanonicalFormWithThePinnedKey() throws Exception {
        TlsAgent a = enroll("signed");
        admin.post("/api/v1/checks", Map.of("name", "c", "interpreter", "sh", "script", "true", "interval_seconds", 10,
                "timeout_seconds", 5, "target_id", a.id().toString()), ADMIN);
        Api.Reply r = a.api().send("GET", "/api/v1/checks/target/" + a.id() + "?wait=5s", null, null, "If-None-Match", "\"0\"");
        PolicyBundle bundle = r.as(PolicyBundle.class);
        assertThat(bundle.checks()).hasSize(1);
        assertThat(bundle.targetId()).isEqualTo(a.id());
        assertThat(bundle.expiresAt()).isAfter(bundle.generatedAt());
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(a.policyKey())));
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(key);
        verify.update(PolicyCanonicalForm.canonical(bundle));
        assertThat(verify.verify(Base64.getDecoder().decode(bundle.signature()))).isTrue();
        JsonNode raw = r.json();
        assertThat(raw.get("key_id").asText()).isNotBlank();
        assertThat(Files.exists(server.dataDir().resolve("pki/policy-signing.key"))).isTrue();
    }
}
