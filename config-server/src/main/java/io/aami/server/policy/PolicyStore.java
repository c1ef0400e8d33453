package io.aami.server.policy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code target_policies}: the version of each target's effective policy. */
final class PolicyStore {
    record Stored(long version, String contentSha256) {
    }

    private static final String FIND = "SELECT version, content_sha256 FROM target_policies WHERE target_id = ?";

    Optional<Stored> find(Connection c, UUID targetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setObject(1, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    // Compare-and-set on the content hash: replicas racing on the same change agree on one version,
    // and a version is drawn from the sequence only when the content really changed.
    private static final String BUMP = "INSERT INTO target_policies (target_id, version, content_sha256, updated_at) "
            + "VALUES (?, nextval('policy_version_seq'), ?, ?) ON CONFLICT (target_id) DO UPDATE "
            + "SET version = nextval('policy_version_seq'), content_sha256 = EXCLUDED.content_sha256, updated_at = EXCLUDED.updated_at "
            + "WHERE target_policies.content_sha256 <> EXCLUDED.content_sha256";

    /** The version for {@code contentSha256}, drawing a new, higher one if the content changed. */
    long versionFor(Connection c, UUID targetId, String contentSha256, Instant now) throws SQLException {
        Optional<Stored> stored = find(c, targetId);
        if (stored.isPresent() && stored.get().contentSha256().equals(contentSha256)) {
            return stored.get().version();
        }
        try (PreparedStatement ps = c.prepareStatement(BUMP)) {
            ps.setObject(1, targetId);
            ps.setString(2, contentSha256);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
        return find(c, targetId).orElseThrow().version();
    }
}
