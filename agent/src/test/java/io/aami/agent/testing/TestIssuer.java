package io.aami.agent.testing;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificates signed with a real server's CA key ({@code <data dir>/pki/ca.key}) but saying what a test wants: what
 * an older server issued (clientAuth only, a URI SAN only), or an agent's certificate that also names {@code localhost}
 * (so a forged server presenting it passes the hostname check). Only tests hold a CA key this way.
 */
public final class TestIssuer {
    private final X509Certificate ca;
    private final PrivateKey caKey;

    private TestIssuer(X509Certificate ca, PrivateKey caKey) {
        this.ca = ca;
        this.caKey = caKey;
    }

    /** The CA in a server's {@code pki} directory. */
    public static TestIssuer of(Path pkiDir) {
        return new TestIssuer(Pem.readCertificate(pkiDir.resolve("ca.crt")), Pem.readPrivateKey(pkiDir.resolve("ca.key")));
    }

    public X509Certificate ca() {
        return ca;
    }

    /** A PKCS#10 request over {@code keys}, as an agent sends one. */
    public static String csr(KeyPair keys) {
        try {
            return Pem.csrToPem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=agent"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS server context presenting {@code leaf} (chain: leaf, CA) with {@code keys}; trusts no client. */
    public static SSLContext serving(KeyPair keys, X509Certificate leaf, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", keys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {leaf, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A leaf for {@code key}: subject CN {@code cn}, the given SANs and EKUs, valid an hour unless {@link Leaf#valid}. */
    public Leaf leaf(PublicKey key, String cn) {
        return new Leaf(key, cn);
    }

    /** One certificate being built. */
    public final class Leaf {
        private final PublicKey key;
        private final String cn;
        private final List<GeneralName> names = new ArrayList<>();
        private final List<KeyPurposeId> usages = new ArrayList<>();
        private BigInteger serial = BigInteger.valueOf(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        private Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
        private Instant notAfter = Instant.now().plus(Duration.ofHours(1));

        private Leaf(PublicKey key, String cn) {
            this.key = key;
            this.cn = cn;
        }

        public Leaf uri(String uri) {
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
            return this;
        }

        public Leaf dns(String name) {
            names.add(new GeneralName(GeneralName.dNSName, name));
            return this;
        }

        public Leaf ip(String literal) {
            names.add(new GeneralName(GeneralName.iPAddress, literal));
            return this;
        }

        public Leaf clientAuth() {
            usages.add(KeyPurposeId.id_kp_clientAuth);
            return this;
        }

        public Leaf serverAuth() {
            usages.add(KeyPurposeId.id_kp_serverAuth);
            return this;
        }

        /** The serial and lifetime of {@code like} (a certificate the server recorded, re-issued differently). */
        public Leaf sameAs(X509Certificate like) {
            serial = like.getSerialNumber();
            notBefore = like.getNotBefore().toInstant();
            notAfter = like.getNotAfter().toInstant();
            return this;
        }

        public X509Certificate issue() {
            try {
                var b = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()), serial,
                        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn), key);
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                if (!usages.isEmpty()) {
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages.toArray(KeyPurposeId[]::new)));
                }
                if (!names.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
                }
                return new JcaX509CertificateConverter().getCertificate(
                        b.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(caKey)).build(caKey)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue a test certificate: " + e.getMessage(), e);
            }
        }
    }
}
