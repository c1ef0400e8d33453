package io.aami.agent.pki;

import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;

/**
 * Trust on first contact, the kubeadm way: the operator copies the CA's SHA-256 pin (shown by the
 * server) into {@code server.tls.ca_cert_sha256}, and the agent accepts the CA it fetches only if
 * it hashes to that pin.
 */
public final class CaPin {
    private CaPin() {
    }

    /** Validates the configured pin's syntax early, at configuration load; returns it normalised. */
    public static String normalize(String pin) {
        return Pem.parsePin(pin);
    }

    /**
     * @throws CaPinMismatchException if {@code ca} does not hash to {@code pin}
     * @throws PkiException if {@code pin} is malformed or {@code ca} is not a CA certificate
     */
    public static void verify(X509Certificate ca, String pin) {
        String expected = Pem.parsePin(pin);
        String actual = Pem.sha256Hex(ca);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII))) {
            throw new CaPinMismatchException("the server's CA certificate does not match server.tls.ca_cert_sha256: "
                    + "expected sha256:" + expected + ", got sha256:" + actual + " (" + ca.getSubjectX500Principal() + ")");
        }
        if (ca.getBasicConstraints() < 0) {
            throw new PkiException("the pinned certificate " + ca.getSubjectX500Principal() + " is not a CA certificate; "
                    + "pin the CA (GET /api/v1/ca), not the server's own certificate");
        }
    }
}
