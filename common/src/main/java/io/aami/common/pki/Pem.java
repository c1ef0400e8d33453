package io.aami.common.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM in and out: X.509 certificates (single or chains), PKCS#8 private keys (OpenSSL's
 * "EC PRIVATE KEY" and "RSA PRIVATE KEY" are read too, since operators bring those), public keys
 * (SubjectPublicKeyInfo) and PKCS#10 requests; plus SHA-256 certificate pins. Parse errors are
 * {@link PkiException}s; the {@code read*} variants name the file.
 */
public final class Pem {
    private static final HexFormat HEX = HexFormat.of();

    private Pem() {
    }

    /** All certificates in {@code pem}, in order; other PEM blocks are skipped. At least one is required. */
    public static List<X509Certificate> parseCertificates(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : objects(pem)) {
            if (o instanceof X509CertificateHolder holder) {
                certs.add(toJdk(holder));
            }
        }
        if (certs.isEmpty()) {
            throw new PkiException("no CERTIFICATE block found");
        }
        return List.copyOf(certs);
    }

    /** The one certificate in {@code pem}; more than one is an error, so a bundle is never half-used. */
    public static X509Certificate parseCertificate(String pem) {
        List<X509Certificate> certs = parseCertificates(pem);
        if (certs.size() != 1) {
            throw new PkiException("expected exactly one certificate, found " + certs.size());
        }
        return certs.get(0);
    }

    public static PrivateKey parsePrivateKey(String pem) {
        PrivateKeyInfo found = null;
        for (Object o : objects(pem)) {
            PrivateKeyInfo info = asPrivateKeyInfo(o);
            if (info != null) {
                if (found != null) {
                    throw new PkiException("more than one private key found");
                }
                found = info;
            }
        }
        if (found == null) {
            throw new PkiException("no PRIVATE KEY block found");
        }
        return Keys.privateKeyFromInfo(found);
    }

    private static PrivateKeyInfo asPrivateKeyInfo(Object o) {
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
            throw new PkiException("encrypted private keys are not supported; store it unencrypted with mode 0600 "
                    + "(for example: openssl pkey -in key.pem -out key-plain.pem)");
        }
        if (o instanceof PrivateKeyInfo info) {
            return info;
        }
        return o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : null;
    }

    public static PublicKey parsePublicKey(String pem) {
        for (Object o : objects(pem)) {
            if (o instanceof SubjectPublicKeyInfo info) {
                try {
                    return Keys.publicKeyFromSpki(info.getEncoded());
                } catch (IOException e) {
                    throw new PkiException("unreadable PUBLIC KEY block: " + e.getMessage(), e);
                }
            }
        }
        throw new PkiException("no PUBLIC KEY block found");
    }

    public static PKCS10CertificationRequest parseCsr(String pem) {
        for (Object o : objects(pem)) {
            if (o instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new PkiException("no CERTIFICATE REQUEST block found");
    }

    public static List<X509Certificate> readCertificates(Path file) {
        return read(file, "certificates", Pem::parseCertificates);
    }

    public static X509Certificate readCertificate(Path file) {
        return read(file, "a certificate", Pem::parseCertificate);
    }

    public static PrivateKey readPrivateKey(Path file) {
        return read(file, "a private key", Pem::parsePrivateKey);
    }

    public static PublicKey readPublicKey(Path file) {
        return read(file, "a public key", Pem::parsePublicKey);
    }

    private static <T> T read(Path file, String what, Function<String, T> parse) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PkiException("cannot read " + what + " from " + file + ": no such file", e);
        } catch (IOException e) {
            throw new PkiException("cannot read " + what + " from " + file + ": " + e, e);
        }
        try {
            return parse.apply(text);
        } catch (PkiException e) {
            throw new PkiException("cannot read " + what + " from " + file + ": " + e.getMessage(), e);
        }
    }

    public static String certificateToPem(X509Certificate cert) {
        return chainToPem(List.of(cert));
    }

    public static String chainToPem(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate cert : chain) {
            try {
                out.append(block("CERTIFICATE", cert.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new PkiException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
            }
        }
        return out.toString();
    }

    /** PKCS#8 ("PRIVATE KEY"), the encoding every JDK key and OpenSSL 1.0+ understands. */
    public static String privateKeyToPem(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    public static String publicKeyToPem(PublicKey key) {
        return block("PUBLIC KEY", key.getEncoded());
    }

    public static String csrToPem(PKCS10CertificationRequest csr) {
        try {
            return block("CERTIFICATE REQUEST", csr.getEncoded());
        } catch (IOException e) {
            throw new PkiException("cannot encode a certificate request", e);
        }
    }

    /** Lowercase hex SHA-256 of the certificate's DER, no separators: the CA pin. */
    public static String sha256Hex(X509Certificate cert) {
        try {
            return sha256Hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new PkiException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
        }
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Normalises a pin as operators write it: optional {@code sha256:} prefix, optional colons
     * (the {@code openssl x509 -fingerprint} style), any case. Returns 64 lowercase hex digits.
     */
    public static String parsePin(String pin) {
        if (pin == null) {
            throw new PkiException("CA pin is missing");
        }
        String p = pin.strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("sha256:")) {
            p = p.substring("sha256:".length());
        }
        p = p.replace(":", "");
        if (p.length() != 64 || !p.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new PkiException("CA pin '" + pin + "' is not a SHA-256 digest: expected 64 hex digits, "
                    + "optionally prefixed with 'sha256:' and separated by colons");
        }
        return p;
    }

    private static List<Object> objects(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new PkiException("empty PEM input");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports malformed base64/DER as assorted runtime exceptions.
            throw new PkiException("malformed PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private static X509Certificate toJdk(X509CertificateHolder holder) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new PkiException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static String block(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toString();
    }
}
