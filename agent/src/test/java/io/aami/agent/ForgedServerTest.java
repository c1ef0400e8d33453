package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.pki.Pem;
import io.aami.server.pki.CertificateAuthority;
import io.aami.server.pki.PolicySigner;
import io.aami.server.pki.ServerIdentity;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 16 point 9, replayed with the real agent (its executor runs scripts as nobody)
 * and a real config-server: the agent enrolls honestly, then a forged server takes the address,
 * answers 401 and offers its own policy-signing key and a script signed by it. The agent must not
 * enroll again on one 401, must refuse the key when it does, and must never run the script; with TLS
 * a forged server whose certificate is not from the pinned CA never even receives a request.
 */
class ForgedServerTest {
    static final Duration REENROLL_AFTER = Duration.ofSeconds(2);
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    Path marker;
    String markerCommand;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        Path evilDir = Files.createDirectories(dir.resolve("evil"));
        Files.setPosixFilePermissions(evilDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        marker = evilDir.resolve("forged-script-ran");
        markerCommand = "touch " + marker;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    Map<String, String> serverEnv(boolean tls) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms", "AAMI_DATA_DIR", dir.resolve("server").toString()));
        env.put("AAMI_TLS", tls ? "on" : "off");
        return env;
    }

    AgentConfig agentConfig(String token, Map<String, String> extra) {
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + port, token));
        env.put("AAMI_SERVER_REENROLL_AFTER", REENROLL_AFTER.toSeconds() + "s");
        env.putAll(extra);
        return AgentConfigLoader.load(null, env);
    }

    static boolean online(TestServer s, UUID id) {
        return "online".equals(s.api().get("/api/v1/targets/" + id, ADMIN).json().path("status").asText());
    }

    /** The files the agent's trust rests on, to compare before and after. */
    Map<String, String> trustFiles() throws Exception {
        Map<String, String> files = new HashMap<>();
        for (String name : List.of("credentials.json", "policy-key.json", "policy.json", "policy.floor")) {
            files.put(name, Files.readString(dir.resolve("state").resolve(name)));
        }
        return files;
    }

    @Test
    void withoutTlsOne401DoesNotReEnrollAndTheForgedKeyAndItsScriptAreRefused() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        String token;
        UUID id;
        try (Agent agent = startHonestly(db, false, Map.of("AAMI_SERVER_TLS_ENABLED", "false"))) {
            id = agent.agentId();
            Map<String, String> before = trustFiles();
            String agentToken = WireJsonHolder.token(before.get("credentials.json"));
            PolicySigner evil = PolicySigner.loadOrCreate(dir.resolve("evil-pki"), RANDOM);
            try (ForgedServer forged = new ForgedServer(port, null, evil, markerCommand)) {
                eventually(Duration.ofSeconds(30), "the agent re-enrolls with the forged server eventually",
                        () -> !forged.requests("/register").isEmpty());
                ForgedServer.Seen register = forged.requests("/register").get(0);
                List<ForgedServer.Seen> rejectedBefore = forged.requests("/heartbeat").stream()
                        .filter(s -> s.at().isBefore(register.at())).toList();
                assertThat(rejectedBefore).hasSizeGreaterThanOrEqualTo(3);
                assertThat(Duration.between(rejectedBefore.get(0).at(), register.at())).isGreaterThanOrEqualTo(REENROLL_AFTER);

                // Refused: the agent goes on with its previous credential and says why in its heartbeat.
                eventually(Duration.ofSeconds(15), "a heartbeat reporting the refused key", () -> forged.requests("/heartbeat").stream()
                        .filter(s -> s.at().isAfter(register.at())).anyMatch(s -> policyError(forged, s).contains("enrollment answer refused")));
                assertThat(forged.requests("/heartbeat").stream().filter(s -> s.at().isAfter(register.at())))
                        .allMatch(s -> ("Bearer " + agentToken).equals(s.authorization()));
                // The forged bundle reaches the agent (a long poll to the real server may first have to time out)...
                eventually(Duration.ofSeconds(30), "the agent fetches the forged policy",
                        () -> !forged.requests("/api/v1/checks/target/").isEmpty());
                // ...and so do its "rotation statements"; neither may lead to the script running (checks run every 1s).
                eventually(Duration.ofSeconds(10), () -> !forged.requests("/api/v1/policy-key").isEmpty());
                Thread.sleep(3_000);
                assertThat(marker).doesNotExist();
                assertThat(trustFiles()).isEqualTo(before);
                // The forged server goes right after a refused re-enrollment ends (a heartbeat after the latest
                // /register): the next one needs REJECTIONS more 401s over REENROLL_AFTER, so none is in flight when
                // it goes. One in flight would keep retrying until the real server answered it, and enroll there.
                int registers = forged.requests("/register").size();
                eventually(Duration.ofSeconds(30), "another refused re-enrollment", () -> forged.requests("/register").size() > registers);
                List<ForgedServer.Seen> all = forged.requests("/register");
                Instant latest = all.get(all.size() - 1).at();
                eventually(Duration.ofSeconds(10), "a heartbeat after it",
                        () -> forged.requests("/heartbeat").stream().anyMatch(s -> s.at().isAfter(latest)));
            }
            // The real server comes back: the agent carries on with what it had, no enrollment needed.
            try (TestServer again = TestServer.start(serverEnv(false), db, Clock.systemUTC())) {
                Instant back = Instant.now();
                eventually(Duration.ofSeconds(30), () -> Instant.parse(again.api().get("/api/v1/targets/" + id, ADMIN).json()
                        .get("last_heartbeat_at").asText()).isAfter(back));
                assertThat(again.api().get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).get("uses").asInt()).isEqualTo(1);
            }
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void withTlsAForgedServerFromAnotherCaNeverReceivesATokenOrARequest() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        try (Agent agent = startHonestly(db, true, Map.of())) {
            UUID id = agent.agentId();
            Map<String, String> before = trustFiles();
            String cert = Files.readString(dir.resolve("state/agent.crt"));
            CertificateAuthority otherCa = CertificateAuthority.loadOrCreate(dir.resolve("other-ca"), Clock.systemUTC(), RANDOM);
            ServerIdentity otherIdentity = ServerIdentity.loadOrCreate(dir.resolve("other-ca"), otherCa, List.of(), Clock.systemUTC(), RANDOM);
            PolicySigner evil = PolicySigner.loadOrCreate(dir.resolve("evil-pki"), RANDOM);
            try (ForgedServer forged = new ForgedServer(port, context(otherIdentity), evil, markerCommand)) {
                // Long enough for several heartbeats and the re-enrollment window, twice over.
                Thread.sleep(REENROLL_AFTER.multipliedBy(3).toMillis());
                assertThat(forged.seen).isEmpty();
            }
            assertThat(marker).doesNotExist();
            assertThat(trustFiles()).isEqualTo(before);
            assertThat(Files.readString(dir.resolve("state/agent.crt"))).isEqualTo(cert);
            try (TestServer again = TestServer.start(serverEnv(true), db, Clock.systemUTC())) {
                Instant back = Instant.now();
                eventually(Duration.ofSeconds(30), () -> Instant.parse(again.api().get("/api/v1/targets/" + id, ADMIN).json()
                        .get("last_heartbeat_at").asText()).isAfter(back));
            }
        }
    }

    /** A real server with one honest check; an agent enrolled with it, running its policy; the server then stopped. */
    private Agent startHonestly(TestDatabase.Coordinates db, boolean tls, Map<String, String> agentEnv) throws Exception {
        Agent agent;
        try (TestServer server = TestServer.start(serverEnv(tls), db, Clock.systemUTC())) {
            Api api = server.api();
            Fixtures.createCheck(api, Fixtures.check("honest", "echo honest", 1, Map.of("global", true)));
            String token = Fixtures.bootstrapToken(api, 5, Map.of());
            Map<String, String> env = new HashMap<>(agentEnv);
            if (tls) {
                env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate())));
            }
            AgentConfig cfg = agentConfig(token, env);
            agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
            UUID id = agent.agentId();
            eventually(Duration.ofSeconds(30), () -> online(server, id) && Files.exists(dir.resolve("state/policy.floor")));
        }
        return agent;
    }

    private static String policyError(ForgedServer forged, ForgedServer.Seen s) {
        try {
            String e = forged.heartbeat(s).policyError();
            return e == null ? "" : e;
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static SSLContext context(ServerIdentity identity) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore ks = identity.keyStore(password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Reads the agent token out of the stored credential. */
    static final class WireJsonHolder {
        static String token(String credentialsJson) throws Exception {
            return io.aami.common.json.WireJson.mapper().readTree(credentialsJson).get("agent_token").asText();
        }
    }
}
