package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.testing.TestIssuer;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PrivateFiles;
import io.aami.contract.registration.AgentTlsNames;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade fixes itself: an agent holding what the server issued before this change (same serial, key and lifetime,
 * but clientAuth only and the URI SAN only; re-issued here with the real CA's key) keeps working with it, renews it
 * at once when {@code api.tls} presents it, and not otherwise. The real server accepts the old certificate and renews
 * it over mutual TLS; curl then reaches the API as {@code agent.aami.internal}.
 */
class CertificateUpgradeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aCertificateWithoutServerAuthIsRenewedAtOnceOnlyWhenTheLocalApiPresentsIt() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"))) {
            String token = Fixtures.bootstrapToken(server.api(), 1, Map.of());
            int apiPort = ServerFailoverEndToEndTest.freePort();
            Path crt = dir.resolve("state/agent.crt");
            UUID id;
            try (Agent agent = start(server, token, apiPort, false)) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(30), "enrolled", () -> ForgedServerTest.online(server, id));
            }
            X509Certificate legacy = downgrade(server, crt, id);

            try (Agent agent = start(server, token, apiPort, false)) {
                Instant restarted = Instant.now();
                eventually(Duration.ofSeconds(30), "the server takes the old certificate", () -> heartbeatAfter(server, id, restarted));
                Thread.sleep(3_000);
                assertThat(Pem.readCertificate(crt).getSerialNumber()).as("without api.tls, no early renewal")
                        .isEqualTo(legacy.getSerialNumber());
            }
            try (Agent agent = start(server, token, apiPort, true)) {
                eventually(Duration.ofSeconds(30), "renewed at once for the local API",
                        () -> !Pem.readCertificate(crt).getSerialNumber().equals(legacy.getSerialNumber()));
                X509Certificate renewed = Pem.readCertificate(crt);
                assertThat(renewed.getExtendedKeyUsage()).contains(AgentTlsNames.EKU_SERVER_AUTH);
                assertThat(renewed.getSubjectAlternativeNames()).contains(java.util.List.of(2, AgentTlsNames.DOMAIN));
                Instant after = Instant.now();
                eventually(Duration.ofSeconds(20), "heartbeats with the renewed certificate", () -> heartbeatAfter(server, id, after));
                eventually(Duration.ofSeconds(20), "curl reaches the API by the shared name",
                        () -> "200".equals(LocalApiDefaultTlsEndToEndTest.curl(server.caCertificate(), AgentTlsNames.DOMAIN, apiPort, "/healthz")));
            }
        }
    }

    /** Replaces the agent's certificate by what the older server issued for the same key, serial and lifetime. */
    private static X509Certificate downgrade(TestServer server, Path crt, UUID id) throws Exception {
        X509Certificate current = Pem.readCertificate(crt);
        assertThat(current.getSubjectAlternativeNames()).isNotNull();
        X509Certificate legacy = TestIssuer.of(server.dataDir().resolve("pki")).leaf(current.getPublicKey(), id.toString())
                .sameAs(current).uri(AgentTlsNames.uri(id)).clientAuth().issue();
        PrivateFiles.writeWorldReadable(crt, Pem.certificateToPem(legacy).getBytes(StandardCharsets.US_ASCII));
        return legacy;
    }

    private Agent start(TestServer server, String token, int apiPort, boolean apiTls) throws Exception {
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + server.port(), token));
        env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate())));
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
        env.put("AAMI_API_TLS_ENABLED", Boolean.toString(apiTls));
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        return AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
    }

    private static boolean heartbeatAfter(TestServer server, UUID id, Instant t) {
        String at = server.api().get("/api/v1/targets/" + id, ADMIN).json().path("last_heartbeat_at").asText();
        return !at.isEmpty() && !"null".equals(at) && Instant.parse(at).isAfter(t);
    }
}
