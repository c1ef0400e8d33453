package io.aami.agent.api;

import io.aami.common.pki.Pem;
import io.aami.common.pki.PrivateFiles;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test CAs and the certificates they sign (EC P-256), as PEM files the way operators and the agent keep them. */
final class ApiTlsFiles {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    record Issued(KeyPair keys, X509Certificate cert) {
        /** Writes the certificate (0644) and key (0600) as {@code name.crt} and {@code name.key} in {@code dir}. */
        Path[] write(Path dir, String name) {
            Path crt = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".key");
            PrivateFiles.write(key, Pem.privateKeyToPem(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
            PrivateFiles.writeWorldReadable(crt, Pem.certificateToPem(cert).getBytes(StandardCharsets.US_ASCII));
            return new Path[] {crt, key};
        }
    }

    private ApiTlsFiles() {
    }

    static Issued ca(String cn) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), name, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(keys, sign(b, keys));
    }

    /** A certificate for 127.0.0.1 and localhost signed by {@code ca}, usable by a server or a client. */
    static Issued leaf(Issued ca, String cn) throws Exception {
        KeyPair keys = keys();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var b = new JcaX509v3CertificateBuilder(new X500Name(ca.cert().getSubjectX500Principal().getName()),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(10, ChronoUnit.DAYS)), new X500Name("CN=" + cn), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        return new Issued(keys, sign(b, ca.keys()));
    }

    /** A client context trusting {@code ca} only, presenting {@code identity} when not null. */
    static SSLContext client(X509Certificate ca, Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("me", identity.keys().getPrivate(), "pw".toCharArray(), new X509Certificate[] {identity.cert()});
        }
        kmf.init(keys, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
