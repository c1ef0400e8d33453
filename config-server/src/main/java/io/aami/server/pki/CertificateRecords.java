package io.aami.server.pki;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** SQL for which client certificate of an agent is current, and which one (if any) it just replaced. */
final class CertificateRecords {
    /** An agent's current certificate (serial in hex, its key's SHA-256) and the one a renewal replaced, if in grace. */
    record Current(String serial, byte[] keySha256, String previousSerial, Instant previousUntil) {
        /**
         * Whether a renewal presenting {@code presentedSerial} for a key hashing to {@code keySha256} is the retry of
         * the renewal that made the current certificate, whose answer the agent never got: it presents the certificate
         * that renewal replaced, within its grace, and asks again for the key it asked for then (a CSR is signed by its
         * key, so only the agent holding it can). A copy of the replaced certificate and key cannot make that CSR.
         */
        boolean lostAnswerRetriedBy(String presentedSerial, byte[] keySha256, Instant now) {
            return presentedSerial.equals(previousSerial) && previousUntil != null && now.isBefore(previousUntil)
                    && this.keySha256 != null && MessageDigest.isEqual(this.keySha256, keySha256);
        }
    }

    // In SET, certificate_serial on the right is the value before this update: the one being replaced.
    private static final String RECORD = "UPDATE targets SET certificate_serial = ?, certificate_expires_at = ?, "
            + "certificate_key_sha256 = ?, "
            + "previous_certificate_serial = CASE WHEN ?::timestamptz IS NULL THEN NULL ELSE certificate_serial END, "
            + "previous_certificate_until = ? WHERE id = ?";

    /**
     * Records the certificate just issued to the agent (serial in hex) as its only current one. With
     * {@code previousUntil} the certificate it replaces stays acceptable until then (a renewal); with
     * null nothing issued before is (an enrollment).
     */
    void record(Connection c, UUID id, String serialHex, Instant expiresAt, byte[] keySha256, Instant previousUntil)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            Timestamp until = previousUntil == null ? null : Timestamp.from(previousUntil);
            ps.setString(1, serialHex);
            ps.setTimestamp(2, Timestamp.from(expiresAt));
            ps.setBytes(3, keySha256);
            ps.setTimestamp(4, until);
            ps.setTimestamp(5, until);
            ps.setObject(6, id);
            ps.executeUpdate();
        }
    }

    // The previous certificate and its grace stay as they were: a retry never lengthens the replaced one's life.
    private static final String REPLACE_CURRENT = "UPDATE targets SET certificate_serial = ?, certificate_expires_at = ? WHERE id = ?";

    /** Makes a certificate for the current one's key current instead of it (the current one never reached the agent). */
    void replaceCurrent(Connection c, UUID id, String serialHex, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REPLACE_CURRENT)) {
            ps.setString(1, serialHex);
            ps.setTimestamp(2, Timestamp.from(expiresAt));
            ps.setObject(3, id);
            ps.executeUpdate();
        }
    }

    private static final String LOCK_CURRENT = "SELECT certificate_serial, certificate_key_sha256, previous_certificate_serial, "
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
