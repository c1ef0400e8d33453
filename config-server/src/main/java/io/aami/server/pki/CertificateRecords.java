package io.aami.server.pki;

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
    // In SET, certificate_serial on the right is the value before this update: the one being replaced.
    private static final String RECORD = "UPDATE targets SET certificate_serial = ?, certificate_expires_at = ?, "
            + "previous_certificate_serial = CASE WHEN ?::timestamptz IS NULL THEN NULL ELSE certificate_serial END, "
            + "previous_certificate_until = ? WHERE id = ?";

    /**
     * Records the certificate just issued to the agent (serial in hex) as its only current one. With
     * {@code previousUntil} the certificate it replaces stays acceptable until then (a renewal); with
     * null nothing issued before is (an enrollment).
     */
    void record(Connection c, UUID id, String serialHex, Instant expiresAt, Instant previousUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            Timestamp until = previousUntil == null ? null : Timestamp.from(previousUntil);
            ps.setString(1, serialHex);
            ps.setTimestamp(2, Timestamp.from(expiresAt));
            ps.setTimestamp(3, until);
            ps.setTimestamp(4, until);
            ps.setObject(5, id);
            ps.executeUpdate();
        }
    }

    private static final String LOCK_CURRENT = "SELECT certificate_serial FROM targets WHERE id = ? FOR UPDATE";

    /** The serial (hex) of the agent's current certificate, its row locked until commit; empty if none. */
    Optional<String> lockCurrent(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_CURRENT)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
