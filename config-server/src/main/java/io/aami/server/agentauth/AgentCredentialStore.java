package io.aami.server.agentauth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The lookups that turn an agent's credential into who it is and whether it may still talk. */
final class AgentCredentialStore {
    /** Where a presented client certificate stands among those issued to its agent. */
    enum Standing { CURRENT, PREVIOUS, SUPERSEDED }

    /**
     * What a credential lookup yields: the agent, its target status ({@code revoked} is refused), the
     * serials (hex) of its current certificate and of the one a renewal replaced (acceptable until
     * {@code previousUntil}), and whether a lost registration answer may still be retried.
     */
    record AgentCredential(UUID agentId, String status, String serial, String previousSerial, Instant previousUntil,
                           boolean retryOpen) {
        Standing standing(String presentedSerial, Instant now) {
            if (presentedSerial.equals(serial)) {
                return Standing.CURRENT;
            }
            boolean inGrace = presentedSerial.equals(previousSerial) && previousUntil != null && now.isBefore(previousUntil);
            return inGrace ? Standing.PREVIOUS : Standing.SUPERSEDED;
        }
    }

    private static final String COLUMNS = "SELECT id, status, certificate_serial, previous_certificate_serial, "
            + "previous_certificate_until, registration_retry_until IS NOT NULL AS retry_open FROM targets ";

    private static final String BY_TOKEN = COLUMNS + "WHERE agent_token_sha256 = ?";

    /** The agent holding the token with this hash, if any. */
    Optional<AgentCredential> byTokenHash(Connection c, byte[] tokenSha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_TOKEN)) {
            ps.setBytes(1, tokenSha256);
            return one(ps);
        }
    }

    private static final String BY_ID = COLUMNS + "WHERE id = ?";

    /** The agent named by a client certificate, if it still exists. */
    Optional<AgentCredential> byId(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setObject(1, id);
            return one(ps);
        }
    }

    private static final String CLOSE_RETRY = "UPDATE targets SET registration_retry_until = NULL, "
            + "registration_retry_token_sha256 = NULL, registration_retry_key_sha256 = NULL WHERE id = ? AND registration_retry_until IS NOT NULL";

    /** The agent has used what its last registration gave it: that answer was not lost, so no retry may claim it. */
    void closeRetry(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLOSE_RETRY)) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    private static Optional<AgentCredential> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Timestamp until = rs.getTimestamp("previous_certificate_until");
            return Optional.of(new AgentCredential(rs.getObject("id", UUID.class), rs.getString("status"),
                    rs.getString("certificate_serial"), rs.getString("previous_certificate_serial"),
                    until == null ? null : until.toInstant(), rs.getBoolean("retry_open")));
        }
    }
}
