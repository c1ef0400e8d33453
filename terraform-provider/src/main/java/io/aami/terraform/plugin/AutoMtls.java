package io.aami.terraform.plugin;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * go-plugin's automatic mutual TLS: Terraform passes its own certificate (PEM) in
 * {@code PLUGIN_CLIENT_CERT}; the plugin makes a fresh self-signed certificate for {@code localhost},
 * announces it in the handshake line (its DER in unpadded base64, since the line cannot hold PEM's
 * newlines), and accepts only connections that present Terraform's certificate. Nobody else on the host
 * can drive the provider (and its credential) through the port it listens on.
 */
public final class AutoMtls {
    private final KeyPair key;
    private final X509Certificate certificate;
    private final List<X509Certificate> trusted;

    private AutoMtls(KeyPair key, X509Certificate certificate, List<X509Certificate> trusted) {
        this.key = key;
        this.certificate = certificate;
        this.trusted = trusted;
    }

    /** Our certificate, trusting exactly the PEM certificate(s) in {@code clientCertPem}. */
    public static AutoMtls forClient(String clientCertPem) throws GeneralSecurityException {
        List<X509Certificate> trusted = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (var c : cf.generateCertificates(new ByteArrayInputStream(clientCertPem.getBytes(StandardCharsets.US_ASCII)))) {
            trusted.add((X509Certificate) c);
        }
        if (trusted.isEmpty()) {
            throw new GeneralSecurityException("PLUGIN_CLIENT_CERT holds no certificate");
        }
        KeyPair kp = newKey();
        return new AutoMtls(kp, selfSigned(kp), List.copyOf(trusted));
    }

    public static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    /** A certificate for localhost that is its own CA, usable as server and client (as go-plugin makes them). */
    public static X509Certificate selfSigned(KeyPair kp) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=localhost,O=aami terraform provider");
        Instant now = Instant.now();
        try {
            var b = new JcaX509v3CertificateBuilder(name, new BigInteger(63, new SecureRandom()),
                    Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new GeneralSecurityException("cannot make the plugin's certificate", e);
        }
    }

    /** The certificate as the handshake line carries it. */
    public String handshakeCertificate() throws GeneralSecurityException {
        return Base64.getEncoder().withoutPadding().encodeToString(certificate.getEncoded());
    }

    /**
     * The JDK's TLS, not the BoringSSL netty-shaded bundles: go-plugin's client certificate is on P-521, which
     * BoringSSL's CertificateRequest does not offer (Terraform then sends no certificate); loading no native
     * library also starts faster.
     */
    public SslContext serverContext() throws SSLException {
        // Our own key manager: given the key itself, Netty would build a password-protected PKCS#12 store for it,
        // whose key encryption (PBKDF2) cost most of a start.
        return GrpcSslContexts.configure(SslContextBuilder.forServer(new OneKeyManager(key.getPrivate(), certificate)),
                        SslProvider.JDK)
                .trustManager(trusted.toArray(new X509Certificate[0]))
                .clientAuth(ClientAuth.REQUIRE)
                .build();
    }
}
