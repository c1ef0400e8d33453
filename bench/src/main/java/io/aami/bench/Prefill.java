package io.aami.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's fast path past enrollment: targets written straight into the database, each with
 * the SHA-256 of an {@code agent_token} it chose, as a real enrollment leaves it, thousands per
 * statement. What {@code POST /register} does is skipped: no bootstrap token is redeemed, no CSR is
 * signed and no certificate issued (TLS is off: agents authenticate with their {@code agent_token}),
 * no registration retry window is kept and no heartbeat follows. The policy path does not read any
 * of those.
 */
final class Prefill {
    private static final int PER_STATEMENT = 5_000;
    private static final String INSERT = "INSERT INTO targets (id, hostname, group_id, status, agent_token_sha256, "
            + "registered_at, created_at, updated_at) SELECT u.id, u.host, ?, 'pending', u.sha, now(), now(), now() "
            + "FROM unnest(?::uuid[], ?::text[], ?::bytea[]) AS u(id, host, sha)";

    /** A target and the token it authenticates with. */
    record Identity(UUID id, String token) {
    }

    private Prefill() {
    }

    /** {@code n} targets in {@code group}, named {@code prefix-<i>}. */
    static List<Identity> targets(ExactlyOnce database, UUID group, String prefix, int n, SecureRandom random)
            throws SQLException {
        List<Identity> out = new ArrayList<>(n);
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int from = 0; from < n; from += PER_STATEMENT) {
                int size = Math.min(PER_STATEMENT, n - from);
                UUID[] ids = new UUID[size];
                String[] hosts = new String[size];
                byte[][] hashes = new byte[size][];
                for (int i = 0; i < size; i++) {
                    String token = Enrollment.newAgentToken(random);
                    ids[i] = UUID.randomUUID();
                    hosts[i] = prefix + "-" + (from + i);
                    hashes[i] = sha256(token);
                    out.add(new Identity(ids[i], token));
                }
                ps.setObject(1, group);
                ps.setArray(2, c.createArrayOf("uuid", ids));
                ps.setArray(3, c.createArrayOf("text", hosts));
                ps.setArray(4, c.createArrayOf("bytea", hashes));
                ps.executeUpdate();
            }
        }
        return out;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
