package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS as shipped: the agent trusts the server by pin, enrolls with a CSR, works over mTLS and renews on its own. */
class TlsEndToEndTest {
    @TempDir
    Path dir;

    AgentConfig config(TestServer server, String token, String pin, Path stateDir) {
        return config(server, token, pin, stateDir, Map.of());
    }

    AgentConfig config(TestServer server, String token, String pin, Path stateDir, Map<String, String> extra) {
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(stateDir, "localhost:" + server.port(), token));
        env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", pin);
        env.putAll(extra);
        return AgentConfigLoader.load(null, env);
    }

    @Test
    void pinnedEnrollmentMutualTlsChecksAndRenewal() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_CLIENT_CERT_VALIDITY", "1h",
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"))) {
            Api api = server.api();
            String pin = "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate()));
            Fixtures.createCheck(api, Fixtures.check("mtls-check", "echo secure; exit 0", 1, Map.of("global", true)));
            String token = Fixtures.bootstrapToken(api, 2, Map.of());
            JumpingClock clock = new JumpingClock();
            // Key and certificate where the operator put them (server.tls.client_key / client_cert).
            Path keys = dir.resolve("tls");
            Map<String, String> env = Map.of("AAMI_SERVER_TLS_CLIENT_KEY", keys.resolve("agent.key").toString(),
                    "AAMI_SERVER_TLS_CLIENT_CERT", keys.resolve("agent.crt").toString());
            AgentConfig cfg = config(server, token, pin, dir, env);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), clock)) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> "ok".equals(checkStatus(api, id)));
                Path state = dir.resolve("state");
                assertThat(state.resolve("agent.key")).doesNotExist();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("agent.key")))).isEqualTo("rw-------");
                assertThat(Pem.readCertificate(state.resolve("ca.crt"))).isEqualTo(Pem.readCertificate(server.caCertificate()));
                assertThat(Files.readString(state.resolve("credentials.json"))).doesNotContain(token);
                String firstSerial = Pem.readCertificate(keys.resolve("agent.crt")).getSerialNumber().toString(16);
                String firstExpiry = target(api, id).get("certificate_expires_at").asText();

                clock.advance(Duration.ofMinutes(55));
                eventually(Duration.ofSeconds(20), () -> !Pem.readCertificate(keys.resolve("agent.crt")).getSerialNumber()
                        .toString(16).equals(firstSerial));
                eventually(Duration.ofSeconds(10), () -> !target(api, id).get("certificate_expires_at").asText().equals(firstExpiry));
                Instant before = Instant.parse(target(api, id).get("last_heartbeat_at").asText());
                eventually(Duration.ofSeconds(10), () -> Instant.parse(target(api, id).get("last_heartbeat_at").asText()).isAfter(before));
            }
        }
    }

    @Test
    void aWrongPinNeverEnrolls() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Api api = server.api();
            String token = Fixtures.bootstrapToken(api, 1, Map.of());
            AgentConfig cfg = config(server, token, "sha256:" + "ab".repeat(32), dir);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                Thread.sleep(3_000);
                assertThat(api.get("/api/v1/targets/" + agent.agentId(), ADMIN).status()).isEqualTo(404);
                assertThat(api.get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).get("uses").asInt()).isZero();
                assertThat(Files.exists(dir.resolve("state/ca.crt"))).isFalse();
            }
        }
    }

    static JsonNode target(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id, ADMIN).json();
    }

    static String checkStatus(Api api, UUID id) {
        JsonNode states = api.get("/api/v1/targets/" + id + "/checks", ADMIN).json();
        return states.size() == 0 ? null : states.get(0).path("status").asText();
    }

    /** Real time that can jump ahead, as a suspended laptop's does: loops keep running, certificates age. */
    static final class JumpingClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
