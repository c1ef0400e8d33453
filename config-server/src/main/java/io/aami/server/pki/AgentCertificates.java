package io.aami.server.pki;

import io.aami.common.pki.PkiException;
import io.aami.contract.registration.AgentTlsNames;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Maps a TLS client certificate to the agent it was issued to. Call it only with a certificate the
 * TLS layer has already validated against our CA; this class checks what the certificate says, not
 * who signed it.
 */
public final class AgentCertificates {
    public static final String URI_PREFIX = AgentTlsNames.URI_PREFIX;
    private static final int SAN_URI = 6;
    private static final String CLIENT_AUTH = AgentTlsNames.EKU_CLIENT_AUTH;
    /** Exactly what UUID.toString() produces; UUID.fromString alone also accepts forms like "1-1-1-1-1". */
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private AgentCertificates() {
    }

    /** The certificate's serial as the server records it (lower-case hex, no leading zeros). */
    public static String serialOf(X509Certificate cert) {
        return cert.getSerialNumber().toString(16);
    }

    /**
     * The agent id named by the certificate's {@code urn:aami:agent:} URI SAN, which must be the only
     * such SAN and agree with the subject CN; the certificate must be for client authentication.
     *
     * @throws PkiException if the certificate does not name exactly one agent consistently
     */
    public static UUID agentIdOf(X509Certificate cert) {
        String id = agentUriId(cert);
        if (!CANONICAL_UUID.matcher(id).matches()) {
            throw new PkiException("client certificate " + URI_PREFIX + " SAN does not hold a UUID: " + id);
        }
        String cn = commonName(cert);
        if (!id.equals(cn)) {
            throw new PkiException("client certificate CN '" + cn + "' does not match its agent SAN " + uri(id));
        }
        if (!hasClientAuth(cert)) {
            throw new PkiException("certificate for agent " + id + " is not a TLS client certificate");
        }
        return UUID.fromString(id);
    }

    private static String uri(String id) {
        return URI_PREFIX + id;
    }

    private static String agentUriId(X509Certificate cert) {
        List<String> ids = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                if ((Integer) san.get(0) == SAN_URI && san.get(1) instanceof String s && s.startsWith(URI_PREFIX)) {
                    ids.add(s.substring(URI_PREFIX.length()));
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException("client certificate has an unreadable subjectAltName: " + e.getMessage(), e);
        }
        if (ids.size() != 1) {
            throw new PkiException("client certificate " + cert.getSubjectX500Principal() + " must carry exactly one "
                    + URI_PREFIX + " URI SAN, found " + ids.size());
        }
        return ids.get(0);
    }

    private static String commonName(X509Certificate cert) {
        try {
            RDN[] cns = new JcaX509CertificateHolder(cert).getSubject().getRDNs(BCStyle.CN);
            if (cns.length != 1 || cns[0].isMultiValued()) {
                throw new PkiException("client certificate must have exactly one subject CN, found " + cns.length);
            }
            if (!(cns[0].getFirst().getValue() instanceof ASN1String cn)) {
                throw new PkiException("client certificate subject CN is not a string");
            }
            return cn.getString();
        } catch (CertificateEncodingException e) {
            throw new PkiException("client certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static boolean hasClientAuth(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            return eku != null && eku.contains(CLIENT_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
