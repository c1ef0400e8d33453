package io.aami.server.pki;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** SQL for which client certificate of an agent is current, and which one (if any) it just replaced. */
final class CertificateRecords {
    /** An agent's current certificate (serial in hex; the certificate itself once recorded) and the one a renewal replaced. */
    record Current(String serial, byte[] der, String previousSerial, Instant previousUntil) {
        /**
         * The current certificate, when a renewal presenting {@code presentedSerial} and asking for {@code publicKey} is
         * the retry of the renewal that made it, whose answer the agent never got: it presents the certificate that
         * renewal replaced, within its grace, and asks again for the current certificate's key (a CSR is signed by its
         * key, so only the agent holding it can). A copy of the replaced certificate and its key cannot make that CSR.
         */
        Optional<X509Certificate> answeredAgainFor(String presentedSerial, byte[] publicKey, Instant now) {
            if (der == null || !presentedSerial.equals(previousSerial) || previousUntil == null || !now.isBefore(previousUntil)) {
                return Optional.empty();
            }
            X509Certificate cert = parse(der);
            // Tied to the serial recorded beside it: a row some other writer changed without it is not trusted.
            boolean same = AgentCertificates.serialOf(cert).equals(serial) && Arrays.equals(cert.getPublicKey().getEncoded(), publicKey);
            return same ? Optional.of(cert) : Optional.empty();
        }

        private static X509Certificate parse(byte[] der) {
            try {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException e) {
                throw new IllegalStateException("targets.certificate_der holds no certificate", e);
            }
        }
    }

    // In SET, certificate_serial on the right is the value before this update: the one being replaced.
    private static final String RECORD = "UPDATE targets SET certificate_serial = ?, certificate_expires_at = ?, certificate_der = ?, "
            + "previous_certificate_serial = CASE WHEN ?::timestamptz IS NULL THEN NULL ELSE certificate_serial END, "
            + "previous_certificate_until = ? WHERE id = ?";

    /**
     * Records the certificate just issued to the agent as its only current one. With {@code previousUntil} the
     * certificate it replaces stays acceptable until then (a renewal); with null nothing issued before is (an enrollment).
     */
    void record(Connection c, UUID id, X509Certificate cert, Instant previousUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            Timestamp until = previousUntil == null ? null : Timestamp.from(previousUntil);
            ps.setString(1, AgentCertificates.serialOf(cert));
            ps.setTimestamp(2, Timestamp.from(cert.getNotAfter().toInstant()));
            ps.setBytes(3, encoded(cert));
            ps.setTimestamp(4, until);
            ps.setTimestamp(5, until);
            ps.setObject(6, id);
            ps.executeUpdate();
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a certificate this CA issued cannot be encoded", e);
        }
    }

    private static final String LOCK_CURRENT = "SELECT certificate_serial, certificate_der, previous_certificate_serial, "
            + "previous_certificate_until FROM targets WHERE id = ? FOR UPDATE";

    /** The agent's current certificate, its row locked until commit; empty if it has none. */
    Optional<Current> lockCurrent(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_CURRENT)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return Optional.empty();
                }
                Timestamp until = rs.getTimestamp(4);
                return Optional.of(new Current(rs.getString(1), rs.getBytes(2), rs.getString(3),
                        until == null ? null : until.toInstant()));
            }
        }
    }
}
