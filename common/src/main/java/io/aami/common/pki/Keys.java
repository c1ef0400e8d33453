package io.aami.common.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Key generation and inspection on the JDK provider. BouncyCastle is used only as a library (ASN.1
 * and curve arithmetic), never registered as a JCA provider, so both processes sign and verify with
 * the same JDK implementations.
 */
public final class Keys {
    private Keys() {
    }

    public static KeyPair generateEcP256(SecureRandom random) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), random);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate EC P-256 keys", e);
        }
    }

    public static KeyPair generateEd25519(SecureRandom random) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
            gen.initialize(255, random);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** A JDK public key from SubjectPublicKeyInfo DER (EC, Ed25519 or RSA). */
    public static PublicKey publicKeyFromSpki(byte[] der) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(der);
            return KeyFactory.getInstance(jdkAlgorithm(info.getAlgorithm().getAlgorithm()))
                    .generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new PkiException("not a usable public key (SubjectPublicKeyInfo): " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKeyFromInfo(PrivateKeyInfo info) {
        try {
            return KeyFactory.getInstance(jdkAlgorithm(info.getPrivateKeyAlgorithm().getAlgorithm()))
                    .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("not a usable private key (PKCS#8): " + e.getMessage(), e);
        }
    }

    private static String jdkAlgorithm(ASN1ObjectIdentifier oid) {
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        throw new PkiException("unsupported key algorithm " + oid + " (supported: EC, Ed25519, RSA)");
    }

    /**
     * The public half of {@code key}. A PKCS#8 file holds only the private half (the JDK does not
     * write the optional public key), so it is recomputed rather than stored next to it.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey rsa) {
            try {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            } catch (GeneralSecurityException e) {
                throw new PkiException("cannot derive the RSA public key: " + e.getMessage(), e);
            }
        }
        if (key instanceof ECPrivateKey ec) {
            return ecPublicKeyOf(ec);
        }
        if (key instanceof EdECPrivateKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            byte[] seed = ed.getBytes().orElseThrow(() -> new PkiException("the Ed25519 private key is not extractable"));
            byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            Arrays.fill(seed, (byte) 0);
            return spki(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw);
        }
        throw new PkiException("unsupported private key type " + key.getAlgorithm() + " (supported: EC, Ed25519, RSA)");
    }

    private static PublicKey ecPublicKeyOf(ECPrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        if (!(info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
            throw new PkiException("EC keys with explicit curve parameters are not supported; use a named curve");
        }
        X9ECParameters params = ECNamedCurveTable.getByOID(curve);
        if (params == null) {
            throw new PkiException("unknown EC curve " + curve);
        }
        byte[] point = new FixedPointCombMultiplier().multiply(params.getG(), key.getS()).normalize().getEncoded(false);
        return spki(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point);
    }

    private static PublicKey spki(AlgorithmIdentifier algorithm, byte[] rawKey) {
        try {
            return publicKeyFromSpki(new SubjectPublicKeyInfo(algorithm, rawKey).getEncoded());
        } catch (IOException e) {
            throw new PkiException("cannot encode a public key: " + e.getMessage(), e);
        }
    }

    /** Whether {@code publicKey} is the public half of {@code privateKey}; compares key values, not encodings. */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        PublicKey derived = publicKeyOf(privateKey);
        if (derived instanceof ECPublicKey a && publicKey instanceof ECPublicKey b) {
            return a.getW().equals(b.getW()) && a.getParams().getOrder().equals(b.getParams().getOrder());
        }
        if (derived instanceof RSAPublicKey a && publicKey instanceof RSAPublicKey b) {
            return a.getModulus().equals(b.getModulus()) && a.getPublicExponent().equals(b.getPublicExponent());
        }
        return Arrays.equals(derived.getEncoded(), publicKey.getEncoded());
    }

    /** The JCA signature algorithm a certificate authority or CSR signer uses with {@code key}. */
    public static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if (key instanceof RSAPrivateCrtKey) {
            return "SHA256withRSA";
        }
        if (key instanceof EdECPrivateKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            return "Ed25519";
        }
        throw new PkiException("unsupported private key type " + key.getAlgorithm() + " (supported: EC, Ed25519, RSA)");
    }

    /** A short description for messages, for example {@code EC 256 bits} or {@code RSA 1024 bits}. */
    public static String describe(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return "EC " + ec.getParams().getOrder().bitLength() + " bits";
        }
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        return key.getAlgorithm();
    }
}
