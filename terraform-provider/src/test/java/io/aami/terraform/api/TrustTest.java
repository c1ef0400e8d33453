package io.aami.terraform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's trust of {@code ca_file} over real TLS on loopback: a server presenting an agent's certificate from
 * the same CA, reached by the agent's name (so the JDK's hostname check passes), is refused; the server's own
 * certificate from that CA is accepted.
 */
class TrustTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void anAgentsCertificateIsRefusedAsTheServersEvenByItsOwnName() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC(), RANDOM);
        SSLContext trust = Trust.context(new ProviderSettings("https://127.0.0.1:1", null, dir.resolve("ca.crt").toString(), null));
        KeyPair agentKeys = Keys.generateEcP256(RANDOM);
        X509Certificate agent = ca.signClientCertificate(csr(agentKeys), UUID.randomUUID(), Duration.ofHours(1));
        Throwable refused = catchThrowable(() -> get(trust, AgentTlsNames.DOMAIN, agentKeys, agent, ca.certificate()));
        assertThat(refused).isNotNull();
        assertThat(certificateRefusals(refused)).contains("never identifies the config-server");

        KeyPair serverKeys = Keys.generateEcP256(RANDOM);
        X509Certificate server = ca.issueServerCertificate(serverKeys, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        assertThat(get(trust, "localhost", serverKeys, server, ca.certificate())).isEqualTo(200);
    }

    /** GET https://127.0.0.1:port/ with {@code name} as SNI (what the JDK's hostname check then verifies). */
    private static int get(SSLContext trust, String name, KeyPair keys, X509Certificate leaf, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("s", keys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {leaf, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "pw".toCharArray());
        SSLContext serving = SSLContext.getInstance("TLS");
        serving.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(serving));
        https.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        https.start();
        try {
            SSLParameters params = trust.getDefaultSSLParameters();
            params.setServerNames(List.of(new SNIHostName(name)));
            HttpClient http = HttpClient.newBuilder().sslContext(trust).sslParameters(params).build();
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } finally {
            https.stop(0);
        }
    }

    private static String csr(KeyPair keys) throws Exception {
        return Pem.csrToPem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=agent"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static String certificateRefusals(Throwable e) {
        StringBuilder found = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                found.append(t.getMessage()).append(" | ");
            }
        }
        return found.toString();
    }
}
