package io.aami.terraform.plugin;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * go-plugin's automatic mutual TLS: Terraform passes its own certificate (PEM) in
 * {@code PLUGIN_CLIENT_CERT}; the plugin makes a fresh self-signed certificate for {@code localhost},
 * announces it in the handshake line (its DER in unpadded base64, since the line cannot hold PEM's
 * newlines), and accepts only connections that present Terraform's certificate. Nobody else on the host
 * can drive the provider (and its credential) through the port it listens on.
 */
public final class AutoMtls {
    private final X509Certificate certificate;
    private final SSLContext tls;

    private AutoMtls(X509Certificate certificate, SSLContext tls) {
        this.certificate = certificate;
        this.tls = tls;
    }

    /**
     * Our certificate, trusting exactly the PEM certificate(s) in {@code clientCertPem}. All JDK work, so that it
     * can run beside the server's set-up ({@link PluginServer#start}).
     */
    public static AutoMtls forClient(String clientCertPem) throws GeneralSecurityException {
        List<X509Certificate> trusted = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (var c : cf.generateCertificates(new ByteArrayInputStream(clientCertPem.getBytes(StandardCharsets.US_ASCII)))) {
            trusted.add((X509Certificate) c);
        }
        if (trusted.isEmpty()) {
            throw new GeneralSecurityException("PLUGIN_CLIENT_CERT holds no certificate");
        }
        for (X509Certificate c : trusted) {
            // go-plugin's certificates sign themselves. Checked here, this also readies (JIT) the P-521 arithmetic
            // that the handshake needs for Terraform's CertificateVerify, beside the set-up instead of after it.
            if (c.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
                c.verify(c.getPublicKey());
            }
        }
        KeyPair kp = newKey();
        X509Certificate mine = selfSigned(kp);
        // Our own key manager: given the key itself, Netty would build a password-protected PKCS#12 store for it,
        // whose key encryption (PBKDF2) cost most of a start.
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {new OneKeyManager(kp.getPrivate(), mine)}, new TrustManager[] {new TerraformOnly(trusted)},
                null);
        return new AutoMtls(mine, tls);
    }

    /**
     * Reads the JDK's default trust store (cacerts, ~150 certificates to parse), which Netty's JdkSslContext reads
     * as its class loads ({@link #serverContext}) and the JDK then keeps: run beside the rest of the start, it is
     * no longer on the way to the handshake line. A failure here is Netty's to report.
     */
    static void loadDefaultTrust() {
        try {
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
        } catch (GeneralSecurityException e) {
            // Netty's own attempt fails the same way, and says so.
        }
    }

    public static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    /**
     * A certificate for localhost and 127.0.0.1 that is its own CA, usable as server and client (as go-plugin
     * makes them): ECDSA P-256 with SHA-256, a random positive 63-bit serial, valid from a minute ago for ten years.
     */
    public static X509Certificate selfSigned(KeyPair kp) throws GeneralSecurityException {
        byte[] ecdsaWithSha256 = Der.seq(Der.oid("1.2.840.10045.4.3.2"));
        byte[] name = Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8("localhost"))),
                Der.set(Der.seq(Der.oid("2.5.4.10"), Der.utf8("aami terraform provider"))));
        Instant now = Instant.now();
        byte[] validity = Der.seq(Der.time(now.minus(Duration.ofMinutes(1)).getEpochSecond()),
                Der.time(now.plus(Duration.ofDays(3650)).getEpochSecond()));
        byte[] extensions = Der.explicit(3, Der.seq(
                Der.seq(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.seq(Der.bool(true)))),
                // digitalSignature, keyEncipherment, keyCertSign: bits 0, 2 and 5, so the last two bits are padding
                Der.seq(Der.oid("2.5.29.15"), Der.bool(true), Der.octets(Der.bits(new byte[] {(byte) 0xa4}, 2))),
                Der.seq(Der.oid("2.5.29.37"), Der.octets(Der.seq(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2")))),
                Der.seq(Der.oid("2.5.29.17"), Der.octets(Der.seq(Der.implicit(2, "localhost".getBytes(StandardCharsets.US_ASCII)),
                        Der.implicit(7, new byte[] {127, 0, 0, 1}))))));
        byte[] tbs = Der.seq(Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(63, new SecureRandom()).add(BigInteger.ONE)), ecdsaWithSha256, name, validity, name,
                kp.getPublic().getEncoded(), extensions);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        signer.update(tbs);
        byte[] der = Der.seq(tbs, ecdsaWithSha256, Der.bits(signer.sign(), 0));
        // Parsed back by the JDK: what we announce is what the JDK (and so TLS) reads.
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** The certificate as the handshake line carries it. */
    public String handshakeCertificate() throws GeneralSecurityException {
        return Base64.getEncoder().withoutPadding().encodeToString(certificate.getEncoded());
    }

    /**
     * The JDK's TLS, not the BoringSSL netty-shaded bundles: go-plugin's client certificate is on P-521, which
     * BoringSSL's CertificateRequest does not offer (Terraform then sends no certificate); loading no native
     * library also starts faster. Our own SSLContext in Netty's wrapper, with ALPN h2 as gRPC requires: Netty's
     * builder would first run a self-check of its own at every start (a test RSA key in a password-protected key
     * store, whose PBKDF2 cost ~100 ms, several times that on a loaded machine).
     */
    public SslContext serverContext() {
        return new JdkSslContext(tls, false, Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"),
                ClientAuth.REQUIRE, null, false);
    }
}
