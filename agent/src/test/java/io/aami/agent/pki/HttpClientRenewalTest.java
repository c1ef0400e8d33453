package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.aami.server.pki.AgentCertificates;
import io.aami.server.pki.CertificateAuthority;
import io.aami.server.pki.ServerIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring the agent will use: one JDK HttpClient (SSLEngine-based, hostname verification on by
 * default) over {@link TlsContexts#client}; a renewal swaps the certificate underneath it.
 */
class HttpClientRenewalTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    HttpsServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void oneHttpClientPresentsTheRenewedCertificateOnItsNextConnection() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC(), RANDOM);
        ServerIdentity identity = ServerIdentity.loadOrCreate(dir, ca, List.of(), Clock.systemUTC(), RANDOM);
        startServer(TlsHandshakeTest.serverContext(identity, ca));

        UUID first = UUID.randomUUID();
        AgentKey key = AgentKey.loadOrCreate(dir.resolve("agent.key"), RANDOM);
        ReloadableKeyManager km = new ReloadableKeyManager(key.privateKey(),
                List.of(ca.signClientCertificate(key.csrPem(first), first, Duration.ofDays(7))));
        SSLContext tls = TlsContexts.client(ca.certificate(), km);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(TlsContexts.clientParameters(tls))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        assertThat(get(http)).isEqualTo(first + " TLSv1.3");

        // A different agent id makes it unmistakable which certificate the server saw.
        UUID second = UUID.randomUUID();
        X509Certificate renewed = ca.signClientCertificate(key.csrPem(second), second, Duration.ofDays(7));
        km.update(key.privateKey(), List.of(renewed));

        assertThat(get(http)).isEqualTo(second + " TLSv1.3");
    }

    private String get(HttpClient http) throws Exception {
        URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/whoami");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private void startServer(SSLContext ctx) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/whoami", exchange -> {
            var session = ((HttpsExchange) exchange).getSSLSession();
            UUID agent = AgentCertificates.agentIdOf((X509Certificate) session.getPeerCertificates()[0]);
            byte[] body = (agent + " " + session.getProtocol()).getBytes(StandardCharsets.US_ASCII);
            // Closing after each exchange makes the client's next request a new connection (a new handshake).
            exchange.getResponseHeaders().add("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
