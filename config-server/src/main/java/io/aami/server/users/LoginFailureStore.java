package io.aami.server.users;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** SQL for V022's {@code login_failures}: when each limited key's bucket is full again. */
final class LoginFailureStore {
    private static final String FIND = "SELECT scope, full_at FROM login_failures"
            + " WHERE (scope = 'address' AND key = ?) OR (scope = 'user' AND key = ?)";

    /** When the address's and the user's buckets are full again, by scope; a key without a row is absent (full). */
    Map<String, Instant> find(Connection c, String address, String user) throws SQLException {
        Map<String, Instant> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, address);
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return out;
    }

    private static final String FAIL = "INSERT INTO login_failures AS f (scope, key, full_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (scope, key) DO UPDATE SET full_at = LEAST(GREATEST(f.full_at, ?) + make_interval(secs => ?), ?)";

    /** One failure per key: each key's full time moves one {@code step} past now or past itself, at most {@code burst} steps ahead. */
    void fail(Connection c, Instant now, Failure... failures) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FAIL)) {
            for (Failure f : failures) {
                ps.setString(1, f.scope());
                ps.setString(2, f.key());
                ps.setTimestamp(3, Timestamp.from(now.plus(f.step())));
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setDouble(5, f.step().toNanos() / 1e9);
                ps.setTimestamp(6, Timestamp.from(now.plus(f.step().multipliedBy(f.burst()))));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A failure to count against {@code key} of {@code scope}, whose limit is {@code burst} failures, then one per {@code step}. */
    record Failure(String scope, String key, int burst, Duration step) {
    }

    private static final String PRUNE = "DELETE FROM login_failures WHERE ctid IN (SELECT ctid FROM login_failures"
            + " WHERE full_at < ? LIMIT ?)";

    /** Deletes up to {@code limit} rows whose bucket is full again (no different from no row). */
    int prune(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }
}
