package io.aami.server.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks an agent's PKCS#10 request before the CA signs it: the request must be self-signed by the
 * key it carries (proof of possession) with a signature algorithm from a short list, and that key
 * must be EC P-256/P-384, Ed25519 or RSA of at least 2048 bits. Only the key is taken from the
 * request; its subject and extensions are ignored, since the server decides what the certificate says.
 */
final class CsrValidator {
    /** Far above any real CSR (about 1 KiB even with RSA-8192); bounds the parsing work an agent can cause. */
    static final int MAX_PEM_CHARS = 32 * 1024;
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_RSA_BITS = 8192;
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1,
            SECObjectIdentifiers.secp384r1);
    private static final Map<ASN1ObjectIdentifier, String> SIGNATURES = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
            PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
            PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
            PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA",
            EdECObjectIdentifiers.id_Ed25519, "Ed25519");

    private CsrValidator() {
    }

    /** The request's public key, once the request has passed every check. */
    static SubjectPublicKeyInfo validate(String csrPem) {
        if (csrPem == null || csrPem.isBlank()) {
            throw new CsrRejectedException("csr is missing");
        }
        if (csrPem.length() > MAX_PEM_CHARS) {
            throw new CsrRejectedException("csr is too large (" + csrPem.length() + " characters, at most "
                    + MAX_PEM_CHARS + ")");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = Pem.parseCsr(csrPem);
        } catch (PkiException e) {
            throw new CsrRejectedException("csr is not a PEM PKCS#10 certificate request: " + e.getMessage(), e);
        }
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        PublicKey key = acceptableKey(spki);
        verifySelfSignature(csr, key);
        return spki;
    }

    private static PublicKey acceptableKey(SubjectPublicKeyInfo spki) {
        AlgorithmIdentifier alg = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        boolean ec = oid.equals(X9ObjectIdentifiers.id_ecPublicKey);
        if (ec && !(alg.getParameters() instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve))) {
            throw new CsrRejectedException("csr key uses an unsupported EC curve " + alg.getParameters()
                    + " (accepted: P-256, P-384)");
        }
        if (!ec && !oid.equals(EdECObjectIdentifiers.id_Ed25519) && !oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            throw new CsrRejectedException("csr key type " + oid + " is not accepted (accepted: EC P-256, EC P-384, "
                    + "Ed25519, RSA of at least " + MIN_RSA_BITS + " bits)");
        }
        PublicKey key;
        try {
            key = Keys.publicKeyFromSpki(spki.getEncoded());
        } catch (PkiException | IOException e) {
            throw new CsrRejectedException("csr public key is malformed: " + e.getMessage(), e);
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new CsrRejectedException("csr RSA key has " + bits + " bits; accepted are " + MIN_RSA_BITS
                        + " to " + MAX_RSA_BITS);
            }
        }
        return key;
    }

    private static void verifySelfSignature(PKCS10CertificationRequest csr, PublicKey key) {
        ASN1ObjectIdentifier sigOid = csr.getSignatureAlgorithm().getAlgorithm();
        String algorithm = SIGNATURES.get(sigOid);
        if (algorithm == null) {
            throw new CsrRejectedException("csr signature algorithm " + sigOid + " is not accepted");
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
            valid = verifier.verify(csr.getSignature());
        } catch (GeneralSecurityException | IOException e) {
            // A signature algorithm that does not fit the key, or a malformed signature value.
            throw new CsrRejectedException("csr signature cannot be verified (" + algorithm + " with a "
                    + Keys.describe(key) + " key): " + e.getMessage(), e);
        }
        if (!valid) {
            throw new CsrRejectedException("csr signature does not verify with the key it carries");
        }
    }
}
