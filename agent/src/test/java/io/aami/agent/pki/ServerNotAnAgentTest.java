package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.aami.agent.testing.TestIssuer;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.AgentTlsNames;
import io.aami.server.pki.CertificateAuthority;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both server trusts of the agent (the pinned first contact and the CA's after it), over real TLS on loopback with
 * the JDK client's hostname check on: a certificate of the agents' CA that names {@code localhost} (so the hostname
 * check passes) is still refused when it is an agent's (URI SAN, an {@code agent.aami.internal} name, a wildcard over
 * it, client-only), and the same certificate without the agent's marks is accepted, so the refusal is the rule's.
 */
class ServerNotAnAgentTest {
    @TempDir
    Path dir;

    @Test
    void anAgentsCertificateNeverPassesForTheServerEvenWithTheRightHostName() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), new java.security.SecureRandom());
        TestIssuer issuer = TestIssuer.of(dir.resolve("pki"));
        UUID other = UUID.randomUUID();
        Map<String, Function<TestIssuer.Leaf, TestIssuer.Leaf>> agentMarks = Map.of(
                "URI SAN", l -> l.uri(AgentTlsNames.uri(other)).serverAuth().clientAuth(),
                "shared DNS name", l -> l.dns(AgentTlsNames.DOMAIN).serverAuth(),
                "own DNS name", l -> l.dns(AgentTlsNames.dnsName(other)).serverAuth(),
                "wildcard over it", l -> l.dns("*.aami.internal").serverAuth(),
                "client-only", TestIssuer.Leaf::clientAuth);
        for (var mark : agentMarks.entrySet()) {
            KeyPair keys = Keys.generateEcP256(new java.security.SecureRandom());
            X509Certificate marked = mark.getValue().apply(issuer.leaf(keys.getPublic(), "forged").dns("localhost").ip("127.0.0.1")).issue();
            for (var trust : contexts(ca).entrySet()) {
                Throwable refused = catchThrowable(() -> get(trust.getValue(), keys, marked, ca.certificate()));
                assertThat(refused).as(mark.getKey() + " via " + trust.getKey()).isNotNull();
                // A CertificateException among the causes: what the transport counts as an untrusted server.
                // The JDK itself refuses a client-only certificate for a server (extended key usage) before the rule.
                assertThat(certificateRefusal(refused)).as(mark.getKey() + " via " + trust.getKey() + ": " + refused)
                        .contains(mark.getKey().equals("client-only") ? "" : "an agent's certificate never identifies the config-server")
                        .isNotEmpty();
            }
        }
        KeyPair keys = Keys.generateEcP256(new java.security.SecureRandom());
        X509Certificate plain = issuer.leaf(keys.getPublic(), "server").dns("localhost").ip("127.0.0.1").serverAuth().issue();
        for (var trust : contexts(ca).entrySet()) {
            assertThat(get(trust.getValue(), keys, plain, ca.certificate())).as("the same without agent marks, via " + trust.getKey())
                    .isEqualTo(200);
        }
    }

    private static Map<String, SSLContext> contexts(CertificateAuthority ca) {
        return Map.of("the CA", TlsContexts.client(ca.certificate(), new ReloadableKeyManager()),
                "the pin", TlsContexts.pinned("sha256:" + Pem.sha256Hex(ca.certificate())));
    }

    /** GET https://localhost:port/ from a server presenting {@code leaf} (chain: leaf, CA) with the agent's client. */
    private static int get(SSLContext client, KeyPair keys, X509Certificate leaf, X509Certificate ca) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(TestIssuer.serving(keys, leaf, ca)));
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            HttpClient http = HttpClient.newBuilder().sslContext(client).sslParameters(TlsContexts.clientParameters(client))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.getAddress().getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } finally {
            server.stop(0);
        }
    }

    /** The messages of the {@link CertificateException}s among {@code e}'s causes, joined. */
    private static String certificateRefusal(Throwable e) {
        List<String> found = new java.util.ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                found.add(t.getMessage());
            }
        }
        return String.join(" | ", found);
    }
}
