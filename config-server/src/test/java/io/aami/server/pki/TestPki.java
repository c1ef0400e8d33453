package io.aami.server.pki;

import io.aami.common.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test material built independently of the classes under test. */
final class TestPki {
    static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    static KeyPair keys(String algorithm, Object spec) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
        if (spec instanceof Integer bits) {
            gen.initialize(bits, RANDOM);
        } else if (spec instanceof String curve) {
            gen.initialize(new ECGenParameterSpec(curve), RANDOM);
        }
        return gen.generateKeyPair();
    }

    static String csr(KeyPair keys, String signatureAlgorithm, String subject) throws Exception {
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .build(new JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate()));
        return Pem.csrToPem(csr);
    }

    /** A self-signed certificate saying whatever a test needs, to probe what parsers accept. */
    static X509Certificate crafted(String subject, List<String> uris, KeyPurposeId purpose) throws Exception {
        KeyPair keys = keys("EC", "secp256r1");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var b = new JcaX509v3CertificateBuilder(new X500Name(subject), BigInteger.ONE, Date.from(now),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject), keys.getPublic());
        if (!uris.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(uris.stream()
                    .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toArray(GeneralName[]::new)));
        }
        if (purpose != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
