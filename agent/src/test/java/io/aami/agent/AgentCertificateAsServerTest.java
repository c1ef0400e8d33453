package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.agent.testing.TestIssuer;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.AgentTlsNames;
import io.aami.server.pki.CertificateAuthority;
import io.aami.server.pki.PolicySigner;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root-compromised host holds its agent key, whose certificate the fleet's CA signed and which now allows TLS
 * servers: it must not pass for the config-server. A real agent enrolls with a real server, which then stops; on the
 * server's address a forged server presents (1) another agent's certificate exactly as the server issues it, and
 * (2) an agent's certificate signed by the same CA that also names {@code localhost} and {@code 127.0.0.1}, so the
 * JDK's hostname check passes and only the agent-identity rule stands in the way. Each is refused in the handshake,
 * counted in {@code aami_agent_server_untrusted_total}, and receives no request (no token, no result).
 */
class AgentCertificateAsServerTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void aServerPresentingAnAgentsCertificateIsRefusedAndCountedEvenWithTheRightHostName() throws Exception {
        int port = ServerFailoverEndToEndTest.freePort();
        int apiPort = ServerFailoverEndToEndTest.freePort();
        Path pki = Files.createDirectories(dir.resolve("server-pki"));
        try (Agent agent = enrolledThenServerStopped(port, apiPort, pki)) {
            String address = "localhost:" + port;
            CertificateAuthority ca = CertificateAuthority.fromFiles(pki.resolve("ca.crt"), pki.resolve("ca.key"), Clock.systemUTC(), RANDOM);
            UUID other = UUID.randomUUID();
            KeyPair keys = Keys.generateEcP256(RANDOM);
            X509Certificate issued = ca.signClientCertificate(TestIssuer.csr(keys), other, Duration.ofHours(1));
            X509Certificate named = TestIssuer.of(pki).leaf(keys.getPublic(), other.toString()).uri(AgentTlsNames.uri(other))
                    .dns(AgentTlsNames.dnsName(other)).dns(AgentTlsNames.DOMAIN).dns("localhost").ip("127.0.0.1")
                    .clientAuth().serverAuth().issue();
            PolicySigner evil = PolicySigner.loadOrCreate(dir.resolve("evil"), RANDOM);
            for (X509Certificate forgedCert : new X509Certificate[] {issued, named}) {
                double before = untrusted(apiPort, address);
                try (ForgedServer forged = new ForgedServer(port, TestIssuer.serving(keys, forgedCert, ca.certificate()), evil, "true")) {
                    eventually(Duration.ofSeconds(30), "the forged server is refused and counted (" + forgedCert.getSubjectAlternativeNames() + ")",
                            () -> untrusted(apiPort, address) >= before + 2);
                    assertThat(forged.seen).as("nothing reached the forged server").isEmpty();
                }
            }
            assertThat(Files.readString(dir.resolve("state/credentials.json"))).as("still enrolled with the real server")
                    .contains(agent.agentId().toString());
        }
    }

    /** A real TLS server on {@code port} (its CA kept in {@code pki}); an agent enrolled and online there; the server stopped. */
    private Agent enrolledThenServerStopped(int port, int apiPort, Path pki) throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_TLS", "on",
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"))) {
            Files.copy(server.dataDir().resolve("pki/ca.crt"), pki.resolve("ca.crt"));
            Files.copy(server.dataDir().resolve("pki/ca.key"), pki.resolve("ca.key"));
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + port,
                    Fixtures.bootstrapToken(server.api(), 1, Map.of())));
            env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate())));
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
            UUID id = agent.agentId();
            eventually(Duration.ofSeconds(30), "enrolled and online", () -> ForgedServerTest.online(server, id));
            return agent;
        }
    }

    /** {@code aami_agent_server_untrusted_total} of {@code address}, summed over nothing else; 0 before it shows. */
    private static double untrusted(int apiPort, String address) {
        Matcher m = Pattern.compile("aami_agent_server_untrusted_total\\{address=\"" + Pattern.quote(address) + "\"} (\\S+)")
                .matcher(ServerFailoverEndToEndTest.scrape(apiPort));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
