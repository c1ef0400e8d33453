package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.server.pki.CertificateAuthority;
import io.aami.server.pki.ServerIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS 1.3 handshakes over loopback between the server's identity and the agent's client context. */
class TlsHandshakeTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    CertificateAuthority ca;
    SSLContext serverContext;
    LoopbackTlsServer server;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), clock, RANDOM);
        ServerIdentity identity = ServerIdentity.loadOrCreate(dir.resolve("pki"), ca, List.of(), clock, RANDOM);
        serverContext = serverContext(identity, ca);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static SSLContext serverContext(ServerIdentity identity, CertificateAuthority ca) throws Exception {
        char[] password = "test".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(identity.keyStore(password), password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ca.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private ReloadableKeyManager enrolled(UUID agentId, String keyFile) {
        AgentKey key = AgentKey.loadOrCreate(dir.resolve("state").resolve(keyFile), RANDOM);
        X509Certificate cert = ca.signClientCertificate(key.csrPem(agentId), agentId, Duration.ofDays(7));
        return new ReloadableKeyManager(key.privateKey(), List.of(cert));
    }

    /** One exchange as the HttpClient would make it: hostname verification on, our protocol list. */
    private String call(SSLContext client, String host) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(plain, host, server.port(), true)) {
            SSLParameters params = TlsContexts.clientParameters(client);
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.setSoTimeout(5_000);
            s.startHandshake();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void mutualTls13HandshakeIdentifiesTheAgent() throws Exception {
        server = new LoopbackTlsServer(serverContext, true);
        UUID agent = UUID.randomUUID();
        SSLContext client = TlsContexts.client(ca.certificate(), enrolled(agent, "agent.key"));

        assertThat(call(client, "localhost")).isEqualTo(agent.toString());
        LoopbackTlsServer.Seen seen = server.next();
        assertThat(seen.protocol()).isEqualTo("TLSv1.3");
        assertThat(seen.agentId()).isEqualTo(agent);
        assertThat(call(client, "127.0.0.1")).isEqualTo(agent.toString());
    }

    @Test
    void aSwappedCertificateIsPresentedOnTheNextHandshake() throws Exception {
        server = new LoopbackTlsServer(serverContext, true);
        UUID agent = UUID.randomUUID();
        ReloadableKeyManager km = enrolled(agent, "agent.key");
        SSLContext client = TlsContexts.client(ca.certificate(), km);
        assertThat(call(client, "localhost")).isEqualTo(agent.toString());
        X509Certificate before = server.next().clientCert();

        // Renewal with a rotated key: a new key pair and a new certificate for the same agent.
        AgentKey rotated = AgentKey.generate(RANDOM);
        X509Certificate renewed = ca.signClientCertificate(rotated.csrPem(agent), agent, Duration.ofDays(7));
        km.update(rotated.privateKey(), List.of(renewed));

        assertThat(call(client, "localhost")).isEqualTo(agent.toString());
        X509Certificate after = server.next().clientCert();
        assertThat(after).isEqualTo(renewed).isNotEqualTo(before);
        assertThat(km.certificate()).contains(renewed);
    }

    @Test
    void withoutACertificateTheServerRefusesTheClient() throws Exception {
        server = new LoopbackTlsServer(serverContext, true);
        SSLContext client = TlsContexts.client(ca.certificate(), new ReloadableKeyManager());

        try {
            call(client, "localhost");
        } catch (IOException expected) {
            // TLS 1.3 reports client authentication failures after the client's handshake completes.
        }
        assertThat(server.next().failure()).isNotNull();
    }

    @Test
    void theClientTrustsNoOtherCa() throws Exception {
        server = new LoopbackTlsServer(serverContext, false);
        CertificateAuthority stranger = CertificateAuthority.loadOrCreate(dir.resolve("other"), Clock.systemUTC(), RANDOM);
        SSLContext client = TlsContexts.client(stranger.certificate(), new ReloadableKeyManager());

        assertThatThrownBy(() -> call(client, "localhost")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theServerNameIsVerified() throws Exception {
        server = new LoopbackTlsServer(serverContext, false);
        SSLContext client = TlsContexts.client(ca.certificate(), new ReloadableKeyManager());

        assertThat(call(client, "localhost")).isEqualTo("anonymous");
        assertThatThrownBy(() -> call(client, "config-server.example")).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("config-server.example");
    }

    @Test
    void bootstrapTrustsOnlyAServerPresentingThePinnedCa() throws Exception {
        server = new LoopbackTlsServer(serverContext, false);

        assertThat(call(TlsContexts.pinned("sha256:" + ca.sha256Hex().toUpperCase()), "localhost")).isEqualTo("anonymous");
        String otherPin = "00".repeat(32);
        assertThatThrownBy(() -> call(TlsContexts.pinned(otherPin), "localhost"))
                .isInstanceOf(SSLHandshakeException.class).hasStackTraceContaining("does not contain the pinned CA");
        assertThatThrownBy(() -> call(TlsContexts.pinned(ca.sha256Hex()), "config-server.example"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void clientOffersOnlyTls13And12() {
        SSLContext client = TlsContexts.client(ca.certificate(), new ReloadableKeyManager());
        assertThat(TlsContexts.clientParameters(client).getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
