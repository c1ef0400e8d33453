package io.aami.server.testing;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** TLS clients for tests: trust the test server's CA, optionally present an agent certificate. */
public final class TlsTestClients {
    /** A client key and the certificate chain issued for it. */
    public record ClientIdentity(KeyPair key, List<X509Certificate> chain) {
    }

    private TlsTestClients() {
    }

    public static HttpClient trusting(Path caPem, ClientIdentity client, String... protocols) {
        SSLContext ctx = context(caPem, client);
        SSLParameters params = ctx.getDefaultSSLParameters();
        params.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3", "TLSv1.2"} : protocols);
        return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A TLS context trusting the CA in {@code caPem}, presenting {@code client} (or nothing when null). */
    public static SSLContext context(Path caPem, ClientIdentity client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.readCertificate(caPem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("agent", client.key().getPrivate(), new char[0], client.chain().toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a TLS test client: " + e.getMessage(), e);
        }
    }

    public static KeyPair newKey() {
        return Keys.generateEcP256(new SecureRandom());
    }

    /** A PKCS#10 request for {@code key}, as an agent sends it. */
    public static String csr(KeyPair key, UUID agentId) {
        try {
            return Pem.csrToPem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + agentId), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
