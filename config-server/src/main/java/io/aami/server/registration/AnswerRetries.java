package io.aami.server.registration;

import io.aami.server.security.Secrets;
import io.aami.server.targets.Target;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Lost registration answers. A re-enrollment rotates the agent token when it commits; if the answer
 * never reaches the agent, the agent holds only the token it proved itself with, which no longer
 * matches, and every retry would be refused. So that token, and only it, may claim the same identity
 * again until the window ends or until the agent first uses what a registration gave it (then that
 * answer was not lost: see {@code AgentAuthenticator}). Only its hash is kept. It never authenticates
 * anything else, a retry does not extend the window, and a retry's own answer may be lost and retried
 * in turn.
 *
 * <p>A first enrollment has no such proof (the bootstrap token may be shared by a fleet). It is
 * retryable only when the agent chose its own token and sent just its hash: then the retry must bring
 * the same CSR key and the same hash, with the bootstrap token that enrolled it, while the window is
 * open and the credential unused. A replayer holding the bootstrap token gets a certificate for a key
 * it lacks and a hash it sent itself: nothing it can use. Older agents (server-made token) get no
 * such window, as the answer would carry their secret to whoever replays.
 */
final class AnswerRetries {
    private final Duration window;

    AnswerRetries(Duration window) {
        this.window = window;
    }

    private static final String FIND = "SELECT registration_retry_token_sha256 FROM targets "
            + "WHERE id = ? AND registration_retry_until > ?";

    /** Whether {@code presentedAgentToken} is the token a still-open retry of {@code agentId}'s last re-enrollment needs. */
    boolean accepts(Connection c, UUID agentId, String presentedAgentToken, Instant now) throws SQLException {
        if (presentedAgentToken == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setObject(1, agentId);
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && Secrets.matches(rs.getBytes(1), presentedAgentToken);
            }
        }
    }

    private static final String OPEN = "UPDATE targets SET registration_retry_token_sha256 = ?, registration_retry_until = ?, "
            + "registration_retry_key_sha256 = NULL WHERE id = ?";

    /** A re-enrollment proven with the token hashed {@code replacedSha256} rotated it: open the window for its retry. */
    void open(Connection c, UUID agentId, byte[] replacedSha256, Instant now) throws SQLException {
        boolean never = window.isZero();
        try (PreparedStatement ps = c.prepareStatement(OPEN)) {
            ps.setBytes(1, never ? null : replacedSha256);
            ps.setTimestamp(2, never ? null : Timestamp.from(now.plus(window)));
            ps.setObject(3, agentId);
            ps.executeUpdate();
        }
    }

    private static final String FIND_FIRST = "SELECT registration_retry_key_sha256 FROM targets "
            + "WHERE id = ? AND registration_retry_until > ? AND registration_retry_token_sha256 IS NULL";

    /**
     * Whether this request retries {@code existing}'s first enrollment: same bootstrap token, same
     * agent-chosen token hash, same key ({@code keySha256}; null and ignored when no certificate is issued).
     */
    boolean acceptsFirst(Connection c, Target existing, String bootstrapTokenId, byte[] chosenTokenSha256,
                         boolean certificates, byte[] keySha256, Instant now) throws SQLException {
        if (chosenTokenSha256 == null || !existing.enrolled() || !bootstrapTokenId.equals(existing.enrolledByToken())
                || !MessageDigest.isEqual(existing.agentTokenSha256(), chosenTokenSha256)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(FIND_FIRST)) {
            ps.setObject(1, existing.id());
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && (!certificates || keySha256 != null && MessageDigest.isEqual(rs.getBytes(1), keySha256));
            }
        }
    }

    private static final String OPEN_FIRST = "UPDATE targets SET registration_retry_token_sha256 = NULL, "
            + "registration_retry_key_sha256 = ?, registration_retry_until = ? WHERE id = ?";

    /** A first enrollment with an agent-chosen token committed: open the window for its retry. */
    void openFirst(Connection c, UUID agentId, byte[] keySha256, Instant now) throws SQLException {
        if (window.isZero()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(OPEN_FIRST)) {
            ps.setBytes(1, keySha256);
            ps.setTimestamp(2, Timestamp.from(now.plus(window)));
            ps.setObject(3, agentId);
            ps.executeUpdate();
        }
    }
}
