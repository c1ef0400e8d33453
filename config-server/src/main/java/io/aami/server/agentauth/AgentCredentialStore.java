package io.aami.server.agentauth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** The two lookups that turn an agent's credential into who it is and whether it may still talk. */
final class AgentCredentialStore {
    /** What a credential lookup yields: the agent and its target status ({@code revoked} is refused). */
    record AgentCredential(UUID agentId, String status) {
    }

    private static final String BY_TOKEN = "SELECT id, status FROM targets WHERE agent_token_sha256 = ?";

    /** The agent holding the token with this hash, if any. */
    Optional<AgentCredential> byTokenHash(Connection c, byte[] tokenSha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_TOKEN)) {
            ps.setBytes(1, tokenSha256);
            return one(ps);
        }
    }

    private static final String BY_ID = "SELECT id, status FROM targets WHERE id = ?";

    /** The agent named by a client certificate, if it still exists. */
    Optional<AgentCredential> byId(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setObject(1, id);
            return one(ps);
        }
    }

    private static Optional<AgentCredential> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new AgentCredential(rs.getObject("id", UUID.class), rs.getString("status")))
                    : Optional.empty();
        }
    }
}
