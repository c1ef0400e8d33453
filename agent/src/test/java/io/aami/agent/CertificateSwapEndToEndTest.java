package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.pki.Pem;
import io.aami.server.agentauth.AgentAuthenticator;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The server accepts a replaced client certificate only for a short grace after a renewal. The agent
 * keeps using keep-alive connections it opened with the old certificate; the server closes each one
 * on its first use after the renewal, so the agent moves to the new certificate and never meets its
 * old one refused: no re-enrollment, heartbeats continue well past the grace.
 *
 * <p>The grace cannot be shorter than a minute (ServerConfigLoader): rather than wait it out, the server's clock
 * jumps past it once the agent's connections have each been used after the renewal (several heartbeats and polls
 * later). From then on any request on a connection still presenting the old certificate is refused and logged.
 */
class CertificateSwapEndToEndTest {
    static final Duration GRACE = Duration.ofSeconds(62);

    @TempDir
    Path dir;

    @Test
    void afterARenewalTheAgentNeverReliesOnTheReplacedCertificateBeyondTheGrace() throws Exception {
        TlsEndToEndTest.JumpingClock serverClock = new TlsEndToEndTest.JumpingClock();
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_CLIENT_CERT_VALIDITY", "1h",
                "AAMI_POLICY_MAX_WAIT", "1s", "AAMI_TLS_PREVIOUS_CERTIFICATE_GRACE", GRACE.toSeconds() + "s",
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"), TestDatabase.fresh(), serverClock)) {
            Api api = server.api();
            String pin = "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate()));
            // One use: a re-enrollment after a refused certificate would show in the token's audit (and fail).
            String token = Fixtures.bootstrapToken(api, 1, Map.of());
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + server.port(), token));
            env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", pin);
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            TlsEndToEndTest.JumpingClock clock = new TlsEndToEndTest.JumpingClock();
            // The server runs in this JVM: every refusal of a replaced certificate is logged by its authenticator.
            Logger auth = (Logger) LoggerFactory.getLogger(AgentAuthenticator.class);
            ListAppender<ILoggingEvent> refusals = new ListAppender<>();
            refusals.start();
            auth.addAppender(refusals);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), clock)) {
                UUID id = agent.agentId();
                Path cert = dir.resolve("state/agent.crt");
                // Registration itself sets last_heartbeat_at, a moment before the agent stores the certificate it answered.
                eventually(Duration.ofSeconds(30), () -> api.get("/api/v1/targets/" + id, ADMIN).status() == 200
                        && !target(api, id).get("last_heartbeat_at").isNull() && Files.exists(cert));
                String firstSerial = serial(cert);

                clock.advance(Duration.ofMinutes(55));
                eventually(Duration.ofSeconds(30), () -> !serial(cert).equals(firstSerial));
                // Heartbeats (1 s) and polls (1 s) keep coming: by three heartbeats later every connection the agent
                // opened before the renewal has been used with the old certificate once, and closed.
                for (int i = 0; i < 3; i++) {
                    Instant seen = lastHeartbeat(api, id);
                    eventually(Duration.ofSeconds(15), () -> lastHeartbeat(api, id).isAfter(seen));
                }
                serverClock.advance(GRACE.plusSeconds(5));

                // Past the grace by the server's clock: heartbeats go on, each one seen by the server after the jump.
                for (int i = 0; i < 3; i++) {
                    Instant before = lastHeartbeat(api, id);
                    eventually(Duration.ofSeconds(15), () -> lastHeartbeat(api, id).isAfter(before));
                }
                JsonNode uses = api.get("/api/v1/bootstrap-tokens/" + token.substring(5, 11) + "/uses", ADMIN).json();
                assertThat(uses.findValuesAsText("outcome")).as("enrolled once, never again").containsExactly("enrolled");
                assertThat(refusals.list).extracting(ILoggingEvent::getFormattedMessage)
                        .as("no heartbeat, poll or result of the agent met its replaced certificate refused")
                        .noneMatch(m -> m.contains("replaced client certificate"));
            } finally {
                auth.detachAppender(refusals);
            }
        }
    }

    static String serial(Path cert) {
        return Pem.readCertificate(cert).getSerialNumber().toString(16);
    }

    static Instant lastHeartbeat(Api api, UUID id) {
        return Instant.parse(target(api, id).get("last_heartbeat_at").asText());
    }

    static JsonNode target(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id, ADMIN).json();
    }
}
